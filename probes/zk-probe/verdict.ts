// What the probe concludes from the server's answers: pure, so every case is a table row in the tests.
import { srvrFromText, confFromText, type Unavailable } from '../../common/zk-4lw-parse.ts';
import type { FourLetterResult } from '../../common/zk-4lw.ts';
import type { ExpectedRole } from './config.ts';

export type Verdict = { readonly kind: 'ok' | 'fail' | 'unknown'; readonly detail: string };

const MAX_LINE = 512;

const unavailable = (word: string, u: Unavailable): Verdict => {
  if (u.kind === 'not-serving') return { kind: 'fail', detail: 'not serving (no quorum yet, or lost it)' };
  if (u.kind === 'not-whitelisted') return { kind: 'unknown', detail: `${u.word} is not in 4lw.commands.whitelist; add it to zoo.cfg` };
  return { kind: 'unknown', detail: `unrecognised ${word} answer ${JSON.stringify(u.text)}` };
};

const unreachable = (result: FourLetterResult & { kind: 'failed' }): Verdict => ({
  // A refused or silent listener is a failed check, not "cannot tell": kubelet semantics for TCP probes.
  kind: 'fail',
  detail: `no answer: ${result.reason} (${result.detail})`,
});

// live: the process answers `ruok` with `imok`, whatever the quorum says (quorum-aware liveness restarts healthy
// members in a loop: strimzi-kafka-operator#59).
export const liveVerdict = (ruok: FourLetterResult): Verdict => {
  if (ruok.kind === 'failed') return unreachable(ruok);
  if (ruok.text.trim() === 'imok') return { kind: 'ok', detail: 'imok' };
  const u = srvrFromText(ruok.text);
  return u.kind === 'serving' ? { kind: 'unknown', detail: 'unexpected ruok answer' } : unavailable('ruok', u);
};

// ready: serving (srvr has a Mode line) and holding the expected role in the committed config. `Mode: follower`
// alone is not enough: a joiner follows, without a vote, before `reconfig -add` lists it.
export const readyVerdict = (srvr: FourLetterResult, conf: FourLetterResult | undefined, role: ExpectedRole): Verdict => {
  if (srvr.kind === 'failed') return unreachable(srvr);
  const state = srvrFromText(srvr.text);
  if (state.kind !== 'serving') return unavailable('srvr', state);
  if (role === 'any' || state.mode === 'standalone') return { kind: 'ok', detail: `mode=${state.mode}` };
  if (conf === undefined) return { kind: 'unknown', detail: 'conf was not asked' };
  if (conf.kind === 'failed') return unreachable(conf);
  const parsed = confFromText(conf.text);
  if (parsed.kind !== 'conf') return unavailable('conf', parsed);
  const { serverId, membership } = parsed;
  const where = `config version ${membership.version ?? '?'}`;
  if (serverId === undefined) return { kind: 'unknown', detail: 'conf has no serverId' };
  const line = membership.servers.find((s) => s.id === serverId);
  if (!line) return { kind: 'fail', detail: `mode=${state.mode} but server ${serverId} is not in the ${where} (not yet added)` };
  if (line.role !== role) return { kind: 'fail', detail: `server ${serverId} is ${line.role} in the ${where}, expected ${role}` };
  const modeFits = role === 'observer' ? state.mode === 'observer' : state.mode === 'leader' || state.mode === 'follower';
  if (!modeFits) return { kind: 'fail', detail: `server ${serverId} is ${role} in the ${where} but runs as ${state.mode}` };
  return { kind: 'ok', detail: `mode=${state.mode} id=${serverId} role=${role} version=${membership.version ?? '?'}` };
};

// The one output line: `<check> <ok|fail|unknown>: <detail>`, at most 512 bytes, no newline inside.
export const verdictLine = (check: string, verdict: Verdict, ms: number): string => {
  const line = `${check} ${verdict.kind}: ${verdict.detail.replace(/\s+/g, ' ')} (${ms}ms)`;
  const bytes = Buffer.from(line, 'utf8');
  return bytes.length <= MAX_LINE ? line : bytes.subarray(0, MAX_LINE - 3).toString('utf8').replace(/\uFFFD$/, '') + '...';
};
