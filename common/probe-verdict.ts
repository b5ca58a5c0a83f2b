// What an exec probe concludes and the one line it prints, shared by the probes: kubelet keeps "unhealthy" (fail)
// apart from "cannot tell" (unknown), and caps what it stores of a probe's output.
export type Verdict = { readonly kind: 'ok' | 'fail' | 'unknown'; readonly detail: string };

const MAX_LINE = 512;

// `<check> <ok|fail|unknown>: <detail> (<ms>ms)`, at most 512 bytes, no newline inside, never a split character.
export const verdictLine = (check: string, verdict: Verdict, ms: number): string => {
  const line = `${check} ${verdict.kind}: ${verdict.detail.replace(/\s+/g, ' ')} (${ms}ms)`;
  const bytes = Buffer.from(line, 'utf8');
  return bytes.length <= MAX_LINE
    ? line
    : bytes
        .subarray(0, MAX_LINE - 3)
        .toString('utf8')
        .replace(/\uFFFD$/, '') + '...';
};
