// KRaft cluster ids in Kafka's Uuid string form: URL-safe base64 of 16 bytes without padding (22 characters).

const decoded = (text: string): Buffer | undefined => {
  if (!/^[A-Za-z0-9_-]{1,24}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.length === 16 ? bytes : undefined;
};

// Why a given cluster id would be refused by Kafka (Uuid.fromString), or undefined when it is fine. A leading "-" is
// fine: a ZooKeeper-mode cluster (Kafka 3.9 generates its id without Kafka's random-uuid rule) may have one, and its
// migration must keep it; the format passes it as `--cluster-id=<id>`, which the StorageTool of 3.9 and 4.2 reads
// as a value.
export const clusterIdProblem = (text: string): string | undefined => {
  const bytes = decoded(text);
  if (bytes === undefined) return 'must be 22 characters of URL-safe base64 encoding 16 bytes, as printed by kafka-storage.sh random-uuid';
  if (bytes.every((b, i) => b === (i === 15 ? 1 : 0)) || bytes.every((b) => b === 0)) return 'is a reserved Uuid (all zeros or one)';
  return undefined;
};

// A cluster id every pod computes alike from the same seed (namespace and set name), so no pod has to generate one
// and share it. Shaped like a name-based UUID (version 5 bits), never reserved, never starting with "-".
// node:crypto is loaded here, not at the top: only a start without -cluster-id needs it (~4 ms, issue 10).
export const clusterIdFromSeed = (seed: string): string => {
  const bytes = process.getBuiltinModule('node:crypto').createHash('sha256').update(`kafka-cluster-id:${seed}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  // base64url index 62 is "-": the top six bits of byte 0 decide the first character.
  if ((bytes[0] as number) >> 2 === 62) bytes[0] = (bytes[0] as number) & 0x7f;
  return Buffer.from(bytes).toString('base64url');
};
