// Leave the KRaft quorum (KIP-853 RemoveRaftVoter, sent to the quorum leader) when leave-plan says so; repeated
// calls are harmless. Run by the entrypoint after its controller JVM exited on SIGTERM (-controllers-file), or by
// hand as `kafka-entrypoint leave`. Rounds repeat until the leader no longer lists this node or the deadline passes.
import { readTextBounded } from '../common/files.ts';
import { AgentError, isAgentError } from '../common/errors.ts';
import { log } from '../common/log.ts';
import { endpointText, type Endpoint } from '../common/kafka-endpoint.ts';
import { parseRemoveRaftVoter, removeRaftVoterRequest, uuidBytes } from '../common/kafka-messages.ts';
import { quorumView } from '../common/kafka-quorum.ts';
import { sessionsWith, type OpenSession } from '../common/kafka-session.ts';
import type { Security } from '../common/kafka-security.ts';
import {
  leaveFacts,
  leaveIntent,
  desiredFromText,
  ownMeta,
  removalStep,
  removalAnswer,
  type Desired,
  type LeaveFacts,
  type LeaveSettings,
  type RemovalStep,
} from './leave-plan.ts';
import { CODES, EVENTS } from './catalogue.ts';

export type LeaveEffects = {
  readonly readText: (file: string) => Promise<string | { readonly error: string }>;
  /** Sessions to the controllers, secured as -command-config says, until `deadline`. */
  readonly sessions: (deadline: number, security: Security) => OpenSession;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
};

export type LeaveOutcome = { readonly kind: 'stayed' | 'not-a-voter' | 'left'; readonly detail: string };

const RETRY_MS = 500;

const readDesired = async (file: string, fx: LeaveEffects): Promise<Desired> => {
  const text = await fx.readText(file);
  return typeof text === 'string' ? desiredFromText(text) : { kind: 'unknown', reason: `${file} cannot be read: ${text.error}` };
};

// Whether this node's own controller still answers (its JVM runs).
const runningLocally = async (fx: LeaveEffects, own: Endpoint, security: Security): Promise<boolean> => {
  try {
    (await fx.sessions(fx.now() + 1000, security)(own)).conn.close();
    return true;
  } catch {
    return false;
  }
};

// One round: find the leader through any bootstrap controller, read the quorum, remove this node if it still votes.
const round = async (facts: LeaveFacts, open: OpenSession, meta: ReturnType<typeof ownMeta>): Promise<RemovalStep | { kind: 'sent' }> => {
  const misses: string[] = [];
  for (const endpoint of facts.bootstrap) {
    const first = await open(endpoint).catch((error: Error) => {
      misses.push(`${endpointText(endpoint)} ${(error as AgentError).code ?? error.message}`);
      return undefined;
    });
    if (!first) continue;
    try {
      const view = await quorumView(open, first);
      if (view.kind !== 'ok') {
        misses.push(`${endpointText(endpoint)} ${view.detail}`);
        continue;
      }
      try {
        const step = removalStep(view.quorum, facts.nodeId, meta.directoryId);
        if (step.kind !== 'remove') return step;
        const directory = uuidBytes(step.directoryId);
        if (!directory) return { kind: 'refuse', code: 'NO_DIRECTORY_ID', reason: `directory id ${step.directoryId} is not a Kafka Uuid` };
        log.info(EVENTS['kafka-entrypoint.leave-removing'], { nodeId: facts.nodeId, directoryId: step.directoryId, leader: view.leaderId });
        const answer = parseRemoveRaftVoter(await view.leader.conn.request(removeRaftVoterRequest(meta.clusterId ?? null, step.voterId, directory)));
        return removalAnswer(answer.errorCode, answer.errorMessage);
      } finally {
        if (view.leader !== first) view.leader.conn.close();
      }
    } catch (error) {
      misses.push(`${endpointText(endpoint)} ${(error as AgentError).code ?? (error as Error).message}`);
    } finally {
      first.conn.close();
    }
  }
  return { kind: 'retry', reason: `no controller named the leader (${misses.join('; ')})` };
};

export const leaveQuorum = async (s: LeaveSettings, fx: LeaveEffects): Promise<LeaveOutcome> => {
  const text = await fx.readText(s.serverProperties);
  const facts = typeof text === 'string' ? leaveFacts(text) : `cannot be read (${text.error})`;
  if (typeof facts === 'string')
    throw new AgentError(CODES.LEAVE_NO_CONFIG, `${s.serverProperties} ${facts}: leave reads the server.properties kafka-entrypoint wrote (-config)`);
  const intent = leaveIntent(facts, s.ordinal, s.controllersFile === undefined ? { kind: 'unset' } : await readDesired(s.controllersFile, fx));
  log.info(EVENTS['kafka-entrypoint.leave-decision'], { nodeId: facts.nodeId, decision: intent.kind, reason: intent.reason });
  if (intent.kind === 'stay') return { kind: 'stayed', detail: intent.reason };
  // Kafka 4.2's auto-join re-adds a running observer within controller.quorum.fetch.timeout.ms: the JVM must be gone.
  if (facts.autoJoin && facts.ownController && (await runningLocally(fx, facts.ownController, s.security))) {
    throw new AgentError(
      CODES.LEAVE_WHILE_RUNNING,
      `node ${facts.nodeId} still runs with controller.quorum.auto.join.enable=true and would add itself back at once; stop it first (kafka-entrypoint -controllers-file leaves after its JVM exits)`,
    );
  }
  const metaText = await fx.readText(`${facts.metadataDir}/meta.properties`);
  const meta = ownMeta(typeof metaText === 'string' ? metaText : undefined);
  const deadline = fx.now() + s.timeoutMs;
  const open = fx.sessions(deadline, s.security);
  let removed = false;
  for (;;) {
    const step = await round(facts, open, meta);
    if (step.kind === 'done') return { kind: removed ? 'left' : 'not-a-voter', detail: step.reason };
    if (step.kind === 'refuse') throw new AgentError(CODES[step.code], step.reason, { context: { nodeId: facts.nodeId } });
    if (step.kind === 'sent') removed = true;
    else if (step.kind === 'retry') log.info(EVENTS['kafka-entrypoint.leave-retrying'], { reason: step.reason });
    if (fx.now() + RETRY_MS > deadline) {
      throw new AgentError(
        CODES.LEAVE_TIMEOUT,
        `node ${facts.nodeId} still a voter after ${s.timeoutMs} ms (${step.kind === 'retry' ? step.reason : 'removal not confirmed'})`,
        { context: { nodeId: facts.nodeId, timeoutMs: s.timeoutMs } },
      );
    }
    if (step.kind !== 'sent') await fx.sleep(RETRY_MS);
  }
};

export const realLeaveEffects: LeaveEffects = {
  readText: async (file) => {
    try {
      return readTextBounded(file, 'leave input', 'latin1');
    } catch (error) {
      return { error: isAgentError(error) ? error.code : ((error as NodeJS.ErrnoException).code ?? String(error)) };
    }
  },
  sessions: (deadline, security) => sessionsWith({ clientId: 'kafka-entrypoint', deadline, security }),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};
