// Unpredictable bytes for DNS query ids and temp file names, read from the kernel's CSPRNG (the source OpenSSL
// seeds from). Loading node:crypto for them cost ~4 ms and a few MB of RSS of every peer-finder and kafka-entrypoint
// start (issue 10); /dev/urandom is in every container (OCI runtime spec), node:crypto stays the fallback.
import { closeSync, openSync, readSync } from 'node:fs';

// `length` random bytes; never blocks (urandom does not, once the kernel is seeded, long before any pod starts).
export const randomBytes = (length: number): Buffer => {
  const bytes = Buffer.alloc(length);
  let fd: number;
  try {
    fd = openSync('/dev/urandom', 'r');
  } catch {
    return process.getBuiltinModule('node:crypto').randomBytes(length);
  }
  try {
    for (let filled = 0; filled < length;) filled += readSync(fd, bytes, filled, length - filled, null);
  } finally {
    closeSync(fd);
  }
  return bytes;
};

// A uniformly random 16-bit DNS message id (RFC 5452: ids must be unpredictable).
export const randomId16 = (): number => randomBytes(2).readUInt16BE(0);
