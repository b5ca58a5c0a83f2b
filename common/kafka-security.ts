// Client security from a Kafka client properties file (the same file kafka-broker-api-versions.sh takes as
// --command-config): TLS with PEM material and SASL PLAIN / SCRAM credentials from sasl.jaas.config. Pure.
import { parseProperties } from './java-properties.ts';

export type Protocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export type Mechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export type Tls = {
  /** PEM files (ssl.truststore.location / ssl.keystore.location with type PEM) or inline PEM text. */
  readonly caFile?: string;
  readonly ca?: string;
  readonly keystoreFile?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly keyPassword?: string;
  /** ssl.endpoint.identification.algorithm set to empty: no host name check, as in Kafka. */
  readonly verifyHostname: boolean;
};

export type Sasl = { readonly mechanism: Mechanism; readonly username: string; readonly password: string };

export type Security = { readonly protocol: Protocol; readonly tls?: Tls; readonly sasl?: Sasl };

export type SecurityResult = { readonly ok: true; readonly security: Security } | { readonly ok: false; readonly problem: string };

const PROTOCOLS: readonly Protocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const MECHANISMS: readonly Mechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

// username="..." password="..." out of a JAAS line (values may use \" escapes).
export const jaasOption = (jaas: string, name: string): string | undefined => {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas);
  return m ? (m[1] as string).replace(/\\(.)/g, '$1') : undefined;
};

export const securityFromProperties = (props: ReadonlyMap<string, string>): SecurityResult => {
  const protocol = (props.get('security.protocol') ?? 'PLAINTEXT').toUpperCase() as Protocol;
  if (!PROTOCOLS.includes(protocol)) return { ok: false, problem: `security.protocol=${protocol}: use one of ${PROTOCOLS.join(', ')}` };
  let tls: Tls | undefined;
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    for (const store of ['truststore', 'keystore']) {
      const type = (props.get(`ssl.${store}.type`) ?? 'JKS').toUpperCase();
      const hasFile = props.has(`ssl.${store}.location`);
      if (hasFile && type !== 'PEM') return { ok: false, problem: `ssl.${store}.type=${type}: the agents read PEM only (set ssl.${store}.type=PEM)` };
    }
    const opt = <K extends string>(key: K, prop: string): Partial<Record<K, string>> =>
      props.has(prop) ? ({ [key]: props.get(prop) } as Record<K, string>) : {};
    tls = {
      ...opt('caFile', 'ssl.truststore.location'),
      ...opt('ca', 'ssl.truststore.certificates'),
      ...opt('keystoreFile', 'ssl.keystore.location'),
      ...opt('cert', 'ssl.keystore.certificate.chain'),
      ...opt('key', 'ssl.keystore.key'),
      ...opt('keyPassword', 'ssl.key.password'),
      verifyHostname: (props.get('ssl.endpoint.identification.algorithm') ?? 'https') !== '',
    };
  }
  let sasl: Sasl | undefined;
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const mechanism = (props.get('sasl.mechanism') ?? 'GSSAPI').toUpperCase() as Mechanism;
    if (!MECHANISMS.includes(mechanism)) return { ok: false, problem: `sasl.mechanism=${mechanism}: supported are ${MECHANISMS.join(', ')}` };
    const jaas = props.get('sasl.jaas.config') ?? '';
    const username = jaasOption(jaas, 'username');
    const password = jaasOption(jaas, 'password');
    if (username === undefined || password === undefined) return { ok: false, problem: 'sasl.jaas.config needs username="..." password="..."' };
    sasl = { mechanism, username, password };
  }
  return { ok: true, security: { protocol, ...(tls && { tls }), ...(sasl && { sasl }) } };
};

/** A file an agent read for its config, or why it could not. */
export type ClientFile = { readonly path: string; readonly text: string } | { readonly path: string; readonly error: string };

// kafka-probe's and kafka-entrypoint's -command-config: the problem names the flag and file.
export const securityFromClientFile = (flag: string, file: ClientFile): SecurityResult => {
  if ('error' in file) return { ok: false, problem: `${flag} ${file.path} cannot be read (${file.error})` };
  const props = parseProperties(file.text);
  if (!props.ok) return { ok: false, problem: `${flag} ${file.path} line ${props.line}: ${props.reason}` };
  const s = securityFromProperties(props.props);
  return s.ok ? s : { ok: false, problem: `${flag} ${file.path}: ${s.problem}` };
};
