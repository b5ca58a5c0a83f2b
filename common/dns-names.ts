// Which names from a DNS answer may be used, exactly as Go's resolver decides since its fix for CVE-2021-33195
// (net/dnsclient.go isDomainName, applied by net/lookup.go to SRV targets and header names): the original
// peer-finder was a Go program, and a name with a newline, NUL, space or invalid UTF-8 must never reach a hook.

/**
 * Go's isDomainName: presentation-format names of LDH labels and SRV-style `_labels`, each 1..63 bytes, no label
 * starting with '-' or ending with '-', at most 253 bytes (254 with the trailing root dot), not all-numeric, and
 * the root "." (go.dev/issue/45715). Go works on bytes; any non-ASCII code unit is refused here as Go refuses any
 * byte of 0x80 or above, so the answer is the same for the UTF-8 of the string (invalid UTF-8 decodes to U+FFFD).
 */
export const isDomainName = (s: string): boolean => {
  if (s === '.') return true;
  const l = s.length;
  if (l === 0 || l > 254 || (l === 254 && s[l - 1] !== '.')) return false;
  let last = '.';
  let nonNumeric = false; // true once a letter, '_' or '-' was seen
  let partlen = 0;
  for (let i = 0; i < l; i++) {
    const c = s[i] as string;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_') {
      nonNumeric = true;
      partlen++;
    } else if (c >= '0' && c <= '9') {
      partlen++;
    } else if (c === '-') {
      if (last === '.') return false; // a label may not start with '-'
      partlen++;
      nonNumeric = true;
    } else if (c === '.') {
      if (last === '.' || last === '-') return false; // no empty label, no label ending with '-'
      if (partlen > 63 || partlen === 0) return false;
      partlen = 0;
    } else {
      return false;
    }
    last = c;
  }
  if (last === '-' || partlen > 63) return false;
  return nonNumeric;
};
