// The client side of SCRAM-SHA-256/512 (RFC 5802, RFC 7677) as Kafka's ScramSaslClient speaks it: no channel
// binding (gs2 header "n,,"), the server's signature checked in the last step.
// node:crypto is passed in (not imported) so a check loads it only for SCRAM listeners.
import type * as NodeCrypto from 'node:crypto';
export type ScramCrypto = Pick<typeof NodeCrypto, 'createHash' | 'createHmac' | 'pbkdf2Sync' | 'randomBytes'>;

export type ScramHash = 'sha256' | 'sha512';

const saslName = (name: string): string => name.replaceAll('=', '=3D').replaceAll(',', '=2C');

const fields = (message: string): Map<string, string> => new Map(message.split(',').map((kv) => [kv.slice(0, 1), kv.slice(2)]));

export type ScramSession = {
  readonly clientFirst: string;
  /** Answer the server-first message; throws when it is malformed or the nonce is not ours. */
  readonly clientFinal: (serverFirst: string) => string;
  /** Whether the server-final message proves the server knew the password. */
  readonly serverVerified: (serverFinal: string) => boolean;
};

export const scramSession = (
  crypto: ScramCrypto,
  hash: ScramHash,
  username: string,
  password: string,
  nonce = crypto.randomBytes(18).toString('base64'),
): ScramSession => {
  const { createHash, createHmac, pbkdf2Sync } = crypto;
  const clientFirstBare = `n=${saslName(username)},r=${nonce}`;
  const hmac = (key: Buffer, text: string): Buffer => createHmac(hash, key).update(text).digest();
  let serverSignature = '';
  return {
    clientFirst: `n,,${clientFirstBare}`,
    clientFinal: (serverFirst) => {
      const f = fields(serverFirst);
      const serverNonce = f.get('r') ?? '';
      const iterations = Number(f.get('i'));
      if (f.has('e')) throw new Error(`SCRAM server error: ${f.get('e')}`);
      if (!serverNonce.startsWith(nonce) || !f.has('s') || !Number.isInteger(iterations) || iterations < 1)
        throw new Error('malformed SCRAM server-first message');
      const salted = pbkdf2Sync(password, Buffer.from(f.get('s') as string, 'base64'), iterations, hash === 'sha256' ? 32 : 64, hash);
      const clientKey = hmac(salted, 'Client Key');
      const storedKey = createHash(hash).update(clientKey).digest();
      const withoutProof = `c=biws,r=${serverNonce}`;
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const signature = hmac(storedKey, authMessage);
      const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] as number)));
      serverSignature = hmac(hmac(salted, 'Server Key'), authMessage).toString('base64');
      return `${withoutProof},p=${proof.toString('base64')}`;
    },
    serverVerified: (serverFinal) => fields(serverFinal).get('v') === serverSignature && serverSignature !== '',
  };
};
