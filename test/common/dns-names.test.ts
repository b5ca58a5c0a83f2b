import t from 'tap';
import fc from 'fast-check';
import { isDomainName } from '../../common/dns-names.ts';

// Rows from Go's net/dnsname_test.go and the CVE-2021-33195 fix, plus the hostile names the issue found.
t.test("judges names exactly as Go's isDomainName", async (t) => {
  const rows = [
    { name: 'plain', s: 'zoo-0.zk.default.svc.cluster.local', want: true },
    { name: 'rooted', s: 'zoo-0.zk.default.svc.cluster.local.', want: true },
    { name: 'root alone (go.dev/issue/45715)', s: '.', want: true },
    { name: 'SRV-style underscore label', s: '_xmpp-server._tcp.google.com', want: true },
    { name: 'upper case', s: 'Zoo-0.ZK', want: true },
    { name: 'digits inside', s: 'foo.com.1', want: true },
    { name: 'all numeric', s: '1.2.3.4', want: false },
    { name: 'empty', s: '', want: false },
    { name: 'empty label', s: 'a..b', want: false },
    { name: 'leading dot', s: '.a', want: false },
    { name: 'label starting with -', s: 'a.-b', want: false },
    { name: 'label ending with -', s: 'a-.b', want: false },
    { name: 'ending with -', s: 'ab-', want: false },
    { name: '63-byte label', s: `${'a'.repeat(63)}.com`, want: true },
    { name: '64-byte label', s: `${'a'.repeat(64)}.com`, want: false },
    { name: '64-byte last label', s: `com.${'a'.repeat(64)}`, want: false },
    { name: '253 bytes', s: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, want: true },
    { name: '254 bytes, rooted', s: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.`, want: true },
    { name: '254 bytes, not rooted', s: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, want: false },
    { name: 'newline', s: 'zoo-1\nzoo-9.zk', want: false },
    { name: 'NUL', s: 'zoo-1\u0000.zk', want: false },
    { name: 'space', s: 'zoo 1.zk', want: false },
    { name: "HTML (the CVE's example)", s: '<html>.golang.org.', want: false },
    { name: 'invalid UTF-8, as dns-packet decodes it', s: 'zoo-\ufffd.zk', want: false },
    { name: 'non-ASCII letter', s: 'zöö.zk', want: false },
    { name: 'comma and colon (zoo.cfg separators)', s: 'zoo-1.zk:2888,x', want: false },
  ];
  for (const row of rows) t.equal(isDomainName(row.s), row.want, row.name);
});

// A direct transcription of Go's byte loop over the UTF-8 bytes, to compare on random strings.
const goIsDomainName = (s: string): boolean => {
  const b = Buffer.from(s, 'utf8');
  if (s === '.') return true;
  const l = b.length;
  if (l === 0 || l > 254 || (l === 254 && b[l - 1] !== 0x2e)) return false;
  let last = 0x2e;
  let nonNumeric = false;
  let partlen = 0;
  for (const c of b) {
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f) {
      nonNumeric = true;
      partlen++;
    } else if (c >= 0x30 && c <= 0x39) partlen++;
    else if (c === 0x2d) {
      if (last === 0x2e) return false;
      partlen++;
      nonNumeric = true;
    } else if (c === 0x2e) {
      if (last === 0x2e || last === 0x2d || partlen > 63 || partlen === 0) return false;
      partlen = 0;
    } else return false;
    last = c;
  }
  return last !== 0x2d && partlen <= 63 && nonNumeric;
};

t.test("property: agrees with Go's byte loop on any string", async (t) => {
  const unit = fc.oneof(fc.constantFrom(...'aZ09_-.'.split('')), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 300 }), (s) => isDomainName(s) === goIsDomainName(s)),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', '1', '-', '_'), minLength: 0, maxLength: 70 }), { maxLength: 6 }), (labels) => {
      const s = labels.join('.');
      return isDomainName(s) === goIsDomainName(s);
    }),
    { numRuns: 1000 },
  );
  t.pass('bounded');
});
