// An acks=all producer and a checking consumer, run by the test process against brokers in the cluster. Brokers
// advertise their pod FQDNs, which only the cluster DNS knows: every connection resolves through it (the
// nameserver kubelet writes into the pods' resolv.conf), so a pod recreated with a new IP is found again.
import net from 'node:net';
import { Resolver } from 'node:dns/promises';
import { Kafka, logLevel, type Producer, type SASLOptions } from 'kafkajs';
import { execIn, type Kubectl } from '../fixtures/kube.ts';

/** The cluster DNS server, as kubelet configured it for `pod`. */
export const clusterDns = async (kube: Kubectl, pod: string, container: string): Promise<string> => {
  const text = await execIn(kube, pod, container, ['node', '-p', "require('fs').readFileSync('/etc/resolv.conf','utf8')"]);
  const server = /^nameserver\s+(\S+)/m.exec(text)?.[1];
  if (server === undefined) throw new Error(`no nameserver in ${pod}'s resolv.conf: ${text}`);
  return server;
};

export const clusterKafka = (dnsServer: string, brokers: readonly string[], clientId: string, sasl?: SASLOptions): Kafka => {
  const resolver = new Resolver({ timeout: 1000, tries: 2 });
  resolver.setServers([dnsServer]);
  // net.connect asks with `all: true` (happy eyeballs) and then wants every address as a list.
  const lookup = ((hostname: string, options: { all?: boolean }, callback: (error: Error | null, address: unknown, family?: number) => void) => {
    resolver.resolve4(hostname).then(
      (ips) =>
        options.all
          ? callback(
              null,
              ips.map((address) => ({ address, family: 4 })),
            )
          : callback(null, ips[0] ?? '', 4),
      (error: Error) => callback(error, options.all ? [] : '', 4),
    );
  }) as unknown as net.LookupFunction;
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 300 },
    ...(sasl && { sasl }),
    socketFactory: ({ host, port, onConnect }) => {
      const socket = net.connect({ host, port, lookup }, onConnect);
      socket.setKeepAlive(true);
      return socket;
    },
  });
};

export type ProducerStream = {
  readonly acked: () => number;
  /** When each send was acknowledged, and the [start, end] of each failed send (Date.now()). */
  readonly ackTimes: () => readonly number[];
  readonly failures: () => readonly (readonly [number, number])[];
  /** Stop producing, then read the topic back and return the acknowledged values that are missing. */
  /** Stop producing and disconnect (idempotent): for teardown, so a failed test does not leave the loop running. */
  readonly stop: () => Promise<void>;
  readonly stopAndCheck: (kafka: Kafka, timeoutMs: number) => Promise<{ acked: number; lost: string[]; failedSends: number; detail: string }>;
};

/** Sends one message at a time with acks=all (one request in flight) and remembers which were acknowledged. */
export const produceStream = async (kafka: Kafka, topic: string): Promise<ProducerStream> => {
  // Not idempotent: kafkajs's idempotent producer was seen to reuse a sequence number across a leader change, and
  // the broker then answered a new message as a duplicate of the one before (CI: m-0002847 acknowledged at 0@949,
  // where m-0002846 is), i.e. an acknowledged message the client itself dropped. Without idempotence a retry can
  // only duplicate, which the check (a set of values) ignores; one request in flight keeps the order.
  const producer: Producer = kafka.producer({ idempotent: false, maxInFlightRequests: 1, retry: { retries: 10 } });
  await producer.connect();
  const acked: string[] = [];
  // Where each acknowledged value was written, as the broker answered: what a loss is diagnosed with.
  const ackedAt = new Map<string, string>();
  let failedSends = 0;
  const ackTimes: number[] = [];
  const failures: Array<readonly [number, number]> = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const value = `m-${String(n).padStart(7, '0')}`;
      const sentAt = Date.now();
      try {
        const [meta] = await producer.send({ topic, acks: -1, messages: [{ value }] });
        acked.push(value);
        ackTimes.push(Date.now());
        if (meta) ackedAt.set(value, `${meta.partition}@${meta.baseOffset ?? meta.offset ?? '?'}`);
      } catch {
        failedSends += 1; // not acknowledged: may or may not be stored, never counted
        failures.push([sentAt, Date.now()]);
      }
      await new Promise((r) => setTimeout(r, 20)); // a steady stream, not a load test
    }
  })();
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    running = false;
    stopped ??= loop.then(() => producer.disconnect());
    return stopped;
  };
  return {
    acked: () => acked.length,
    ackTimes: () => ackTimes,
    failures: () => failures,
    stop,
    stopAndCheck: async (reader, timeoutMs) => {
      await stop();
      const consumer = reader.consumer({ groupId: `check-${topic}-${Date.now()}`, sessionTimeout: 15_000 });
      await consumer.connect();
      try {
        // Read until every acknowledged value is seen or the deadline passes; what is missing then is lost.
        const missing = new Set(acked);
        const seenAt = new Map<string, string>();
        await consumer.subscribe({ topic, fromBeginning: true });
        await new Promise<void>((resolve) => {
          if (missing.size === 0) return resolve();
          const timer = setTimeout(resolve, timeoutMs);
          void consumer.run({
            eachMessage: async ({ partition, message }) => {
              seenAt.set(`${partition}@${message.offset}`, message.value?.toString() ?? '');
              missing.delete(message.value?.toString() ?? '');
              if (missing.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          });
        });
        const lost = [...missing].sort();
        let detail = '';
        if (lost.length > 0) {
          const admin = reader.admin();
          await admin.connect();
          const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
          const where = lost
            .slice(0, 5)
            .map((v) => `${v} acked at ${ackedAt.get(v) ?? '?'} (read there: ${JSON.stringify(seenAt.get(ackedAt.get(v) ?? '') ?? null)})`);
          detail = `${where.join('; ')}; high watermarks ${ends.map((e) => `${e.partition}:${e.high}`).join(',')}; ${seenAt.size} records read`;
        }
        return { acked: acked.length, lost, failedSends, detail };
      } finally {
        await consumer.disconnect();
      }
    },
  };
};
