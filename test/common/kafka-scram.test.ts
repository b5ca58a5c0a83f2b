import t from 'tap';
import crypto from 'node:crypto';
import { scramSession } from '../../common/kafka-scram.ts';
import { jaasOption, securityFromProperties } from '../../common/kafka-security.ts';

t.test('SCRAM-SHA-256 matches the RFC 7677 example exchange', async (t) => {
  const s = scramSession(crypto, 'sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
  t.equal(s.clientFirst, 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  const final = s.clientFinal('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  t.equal(final, 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  t.ok(s.serverVerified('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='));
  t.notOk(s.serverVerified('v=AAAA'));
});

t.test('refuses a server nonce that does not extend ours', async (t) => {
  t.throws(() => scramSession(crypto, 'sha512', 'u', 'p', 'abc').clientFinal('r=xyz,s=AAAA,i=4096'));
});

t.test('reads SASL credentials and TLS material from client properties', async (t) => {
  t.equal(jaasOption('x required username="al\\"ice" password="s3cret";', 'username'), 'al"ice');
  const rows = [
    { name: 'plaintext by default', props: {}, want: { ok: true, security: { protocol: 'PLAINTEXT' } } },
    {
      name: 'SASL PLAIN',
      props: {
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'PLAIN',
        'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b";',
      },
      want: { ok: true, security: { sasl: { mechanism: 'PLAIN', username: 'a', password: 'b' } } },
    },
    {
      name: 'SSL with a PEM truststore',
      props: { 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': '/ca.pem' },
      want: { ok: true, security: { tls: { caFile: '/ca.pem', verifyHostname: true } } },
    },
    { name: 'JKS is refused with the fix', props: { 'security.protocol': 'SSL', 'ssl.truststore.location': '/ts.jks' }, want: { ok: false } },
    { name: 'GSSAPI is refused', props: { 'security.protocol': 'SASL_PLAINTEXT' }, want: { ok: false } },
  ];
  for (const row of rows) t.match(securityFromProperties(new Map(Object.entries(row.props))), row.want, row.name);
});
