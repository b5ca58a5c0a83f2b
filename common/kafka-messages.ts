// The Kafka requests the agents send (ApiVersions, Metadata, DescribeCluster, DescribeQuorum, RemoveRaftVoter, SASL), encoded and
// decoded by hand from the message JSONs in clients/src/main/resources/common/message. Pure.
import { Reader, Writer, WireError } from './kafka-wire.ts';

export const API = {
  Metadata: 3,
  SaslHandshake: 17,
  ApiVersions: 18,
  SaslAuthenticate: 36,
  DescribeQuorum: 55,
  DescribeCluster: 60,
  RemoveRaftVoter: 81,
} as const;

export const ERRORS: Readonly<Record<number, string>> = {
  0: 'NONE',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  6: 'NOT_LEADER_OR_FOLLOWER',
  7: 'REQUEST_TIMED_OUT',
  31: 'CLUSTER_AUTHORIZATION_FAILED',
  33: 'UNSUPPORTED_SASL_MECHANISM',
  35: 'UNSUPPORTED_VERSION',
  41: 'NOT_CONTROLLER',
  42: 'INVALID_REQUEST',
  58: 'SASL_AUTHENTICATION_FAILED',
  104: 'INCONSISTENT_CLUSTER_ID',
  125: 'INVALID_VOTER_KEY',
  126: 'DUPLICATE_VOTER',
  127: 'VOTER_NOT_FOUND',
};
export const errorName = (code: number): string => ERRORS[code] ?? `error ${code}`;

export type Request = { readonly apiKey: number; readonly version: number; readonly flexible: boolean; readonly body: Uint8Array };

// One size-prefixed request frame. Flexible versions use request header v2 (tagged fields after the client id).
export const requestFrame = (req: Request, correlationId: number, clientId: string): Uint8Array => {
  const header = new Writer().int16(req.apiKey).int16(req.version).int32(correlationId).string(clientId);
  if (req.flexible) header.noTags();
  const head = header.done();
  return new Writer()
    .int32(head.length + req.body.length)
    .bytes(head)
    .bytes(req.body)
    .done();
};

// The body of a response frame (without its size prefix), after checking the correlation id. ApiVersions always
// answers with response header v0 so that an old client can read the version error (KIP-511).
export const responseBody = (frame: Uint8Array, req: Request, correlationId: number): Reader => {
  const r = new Reader(frame);
  const got = r.int32();
  if (got !== correlationId) throw new WireError(`correlation id ${got}, expected ${correlationId}`);
  if (req.flexible && req.apiKey !== API.ApiVersions) r.skipTags();
  return r;
};

export type VersionRange = { readonly min: number; readonly max: number };
// `finalizedFeaturesEpoch` (v3 tagged field 1) is the metadata offset of the features the node has replayed, -1
// when it has replayed no metadata: a controller that has never been part of a quorum answers -1.
export type ApiVersions = { readonly errorCode: number; readonly apis: ReadonlyMap<number, VersionRange>; readonly finalizedFeaturesEpoch: number };

// v3 names the client software (KIP-511; brokers report it per connection): the agent that asks.
export const apiVersionsRequest = (version: 0 | 3 = 3, software = 'statefulset-agents'): Request => ({
  apiKey: API.ApiVersions,
  version,
  flexible: version >= 3,
  body: version >= 3 ? new Writer().compactString(software).compactString('1').noTags().done() : new Uint8Array(0),
});

// Reads v3, or the v0 layout a broker falls back to when it rejects the version (UNSUPPORTED_VERSION).
export const parseApiVersions = (r: Reader, version: number): ApiVersions => {
  const errorCode = r.int16();
  const apis = new Map<number, VersionRange>();
  const compact = version >= 3 && errorCode === 0;
  const n = compact ? r.compactArrayLength() : r.arrayLength();
  for (let i = 0; i < n; i++) {
    const key = r.int16();
    apis.set(key, { min: r.int16(), max: r.int16() });
    if (compact) r.skipTags();
  }
  let finalizedFeaturesEpoch = -1;
  if (compact) {
    r.int32(); // throttle_time_ms
    const tags = r.uvarint();
    for (let i = 0; i < tags; i++) {
      const tag = r.uvarint();
      const field = new Reader(r.raw(r.uvarint()));
      if (tag === 1) finalizedFeaturesEpoch = Number(field.int64());
    }
  }
  return { errorCode, apis, finalizedFeaturesEpoch };
};

// The highest version both sides speak, or undefined.
export const pickVersion = (apis: ReadonlyMap<number, VersionRange>, apiKey: number, ours: VersionRange): number | undefined => {
  const theirs = apis.get(apiKey);
  if (!theirs) return undefined;
  const v = Math.min(theirs.max, ours.max);
  return v >= Math.max(theirs.min, ours.min) ? v : undefined;
};

export type BrokerNode = { readonly nodeId: number; readonly host: string; readonly port: number; readonly rack: string | null; readonly fenced?: boolean };

// Metadata v12/v13 for no topics: the live (registered, unfenced) brokers reachable on the listener asked.
export const METADATA_VERSIONS: VersionRange = { min: 12, max: 13 };
export const metadataRequest = (version: number): Request => ({
  apiKey: API.Metadata,
  version,
  flexible: true,
  body: new Writer().compactArrayLength(0).bool(false).bool(false).noTags().done(),
});

export type Metadata = { readonly brokers: readonly BrokerNode[]; readonly clusterId: string | null; readonly controllerId: number };

export const parseMetadata = (r: Reader): Metadata => {
  r.int32(); // throttle_time_ms
  const brokers: BrokerNode[] = [];
  const n = r.compactArrayLength();
  for (let i = 0; i < n; i++) {
    brokers.push({ nodeId: r.int32(), host: r.compactString() ?? '', port: r.int32(), rack: r.compactString() });
    r.skipTags();
  }
  return { brokers, clusterId: r.compactString(), controllerId: r.int32() };
};

// DescribeCluster v1+ (KIP-919): sent to a controller listener with endpoint type 2 it names the active controller.
export const DESCRIBE_CLUSTER_VERSIONS: VersionRange = { min: 1, max: 2 };
export const describeClusterRequest = (version: number, endpointType: 1 | 2): Request => {
  const w = new Writer().bool(false).int8(endpointType);
  if (version >= 2) w.bool(false);
  return { apiKey: API.DescribeCluster, version, flexible: true, body: w.noTags().done() };
};

export type DescribeCluster = {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly controllerId: number;
  readonly nodes: readonly BrokerNode[];
};

export const parseDescribeCluster = (r: Reader, version: number): DescribeCluster => {
  r.int32(); // throttle_time_ms
  const errorCode = r.int16();
  const errorMessage = r.compactString();
  r.int8(); // endpoint_type
  r.compactString(); // cluster_id
  const controllerId = r.int32();
  const nodes: BrokerNode[] = [];
  const n = r.compactArrayLength();
  for (let i = 0; i < n; i++) {
    const node = { nodeId: r.int32(), host: r.compactString() ?? '', port: r.int32(), rack: r.compactString() };
    nodes.push(version >= 2 ? { ...node, fenced: r.bool() } : node);
    r.skipTags();
  }
  return { errorCode, errorMessage, controllerId, nodes };
};

// DescribeQuorum for __cluster_metadata-0; only the quorum leader answers it.
export const DESCRIBE_QUORUM_VERSIONS: VersionRange = { min: 1, max: 2 };
export const describeQuorumRequest = (version: number): Request => ({
  apiKey: API.DescribeQuorum,
  version,
  flexible: true,
  body: new Writer().compactArrayLength(1).compactString('__cluster_metadata').compactArrayLength(1).int32(0).noTags().noTags().noTags().done(),
});

// A Kafka Uuid as Kafka prints it (meta.properties directory.id, tool output): URL-safe base64 without padding.
export const uuidText = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
export const uuidBytes = (text: string): Uint8Array | undefined => {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.length === 16 && bytes.toString('base64url') === text ? new Uint8Array(bytes) : undefined;
};

/** `directoryId` (KIP-853) is only in DescribeQuorum v2+ answers. */
export type ReplicaState = { readonly replicaId: number; readonly directoryId?: string; readonly logEndOffset: bigint; readonly lastCaughtUpTimestamp: bigint };
export type DescribeQuorum = {
  readonly errorCode: number;
  readonly partitionErrorCode: number;
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly highWatermark: bigint;
  readonly voters: readonly ReplicaState[];
  readonly observers: readonly ReplicaState[];
};

const replicas = (r: Reader, version: number): ReplicaState[] => {
  const out: ReplicaState[] = [];
  const n = r.compactArrayLength();
  for (let i = 0; i < n; i++) {
    const replicaId = r.int32();
    const directoryId = version >= 2 ? uuidText(r.uuid()) : undefined;
    const logEndOffset = r.int64();
    r.int64(); // last_fetch_timestamp
    const lastCaughtUpTimestamp = r.int64();
    r.skipTags();
    out.push(directoryId === undefined ? { replicaId, logEndOffset, lastCaughtUpTimestamp } : { replicaId, directoryId, logEndOffset, lastCaughtUpTimestamp });
  }
  return out;
};

export const parseDescribeQuorum = (r: Reader, version: number): DescribeQuorum => {
  const errorCode = r.int16();
  if (version >= 2) r.compactString();
  const empty = { errorCode, partitionErrorCode: errorCode, leaderId: -1, leaderEpoch: -1, highWatermark: -1n, voters: [], observers: [] };
  if (r.compactArrayLength() < 1) return empty;
  r.compactString(); // topic name
  if (r.compactArrayLength() < 1) return empty;
  r.int32(); // partition index
  const partitionErrorCode = r.int16();
  if (version >= 2) r.compactString();
  const leaderId = r.int32();
  const leaderEpoch = r.int32();
  const highWatermark = r.int64();
  const voters = replicas(r, version);
  const observers = replicas(r, version);
  return { errorCode, partitionErrorCode, leaderId, leaderEpoch, highWatermark, voters, observers };
};

// RemoveRaftVoter v0 (KIP-853), answered by the quorum leader once the smaller voter set is committed.
export const removeRaftVoterRequest = (clusterId: string | null, voterId: number, directoryId: Uint8Array): Request => ({
  apiKey: API.RemoveRaftVoter,
  version: 0,
  flexible: true,
  body: new Writer().compactString(clusterId).int32(voterId).uuid(directoryId).noTags().done(),
});

export const parseRemoveRaftVoter = (r: Reader): { readonly errorCode: number; readonly errorMessage: string | null } => {
  r.int32(); // throttle_time_ms
  return { errorCode: r.int16(), errorMessage: r.compactString() };
};

// SASL over the Kafka protocol (KIP-152): SaslHandshake v1 names the mechanism, SaslAuthenticate v1 carries
// each round's bytes. Both stay in Kafka 4.x (KIP-896 removed only SaslHandshake v0).
export const saslHandshakeRequest = (mechanism: string): Request => ({
  apiKey: API.SaslHandshake,
  version: 1,
  flexible: false,
  body: new Writer().string(mechanism).done(),
});

export const parseSaslHandshake = (r: Reader): { readonly errorCode: number; readonly mechanisms: readonly string[] } => {
  const errorCode = r.int16();
  const mechanisms: string[] = [];
  const n = r.arrayLength();
  for (let i = 0; i < n; i++) mechanisms.push(r.string() ?? '');
  return { errorCode, mechanisms };
};

export const saslAuthenticateRequest = (bytes: Uint8Array): Request => ({
  apiKey: API.SaslAuthenticate,
  version: 1,
  flexible: false,
  body: new Writer().int32(bytes.length).bytes(bytes).done(),
});

export const parseSaslAuthenticate = (r: Reader): { readonly errorCode: number; readonly errorMessage: string | null; readonly bytes: Uint8Array } => {
  const errorCode = r.int16();
  const errorMessage = r.string();
  const n = r.int32();
  return { errorCode, errorMessage, bytes: n < 0 ? new Uint8Array(0) : r.raw(n).slice() };
};
