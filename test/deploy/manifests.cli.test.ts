// deploy/ rendered by kubectl kustomize (no cluster, no servers): the semantics the agents rely on, and the
// contract between manifests, images and agents (bundles that exist, flags that the agents accept).
import t from 'tap';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  KUBECTL,
  ROOT,
  render,
  builtAgents,
  entrypoints,
  statefulSets,
  podSpecs,
  containersOf,
  invocations,
  documentedInvocations,
  agentCalls,
  strings,
  BUNDLE,
  type Obj,
  type Container,
} from '../fixtures/rendered.ts';
import { durationMs } from '../../common/flags.ts';

const run = promisify(execFile);
// The ZooKeeper containers that run peer-finder or zk-bootstrap (not the install step of agents-install).
const runsZkAgents = (c: { name: string }): boolean => c.name !== 'agents-install';
// Agents built and shipped in the images that no manifest names: the exec probes, kept for clusters that want them.
const EXEC_PROBE_ALTERNATIVES: readonly string[] = ['zk-probe'];

// Each rendering and each agent's --help once per file: every kubectl call and agent start costs a process (a read-only
// result, shared by the tests that read it).
const renderings = new Map<string, Obj[]>();
const rendered = (components: readonly string[] = []): Obj[] => {
  const key = components.join(',');
  if (!renderings.has(key)) renderings.set(key, render(KUBECTL!, components));
  return renderings.get(key)!;
};
const helps = new Map<string, Promise<string>>();
const helpOf = (bundle: string): Promise<string> => {
  if (!helps.has(bundle))
    helps.set(
      bundle,
      run(process.execPath, [`${ROOT}${bundle}`, '--help'], { timeout: 8000 })
        .catch((e) => e)
        .then((r) => `${r.stdout}${r.stderr}`),
    );
  return helps.get(bundle)!;
};

// deploy/ alone, and with the agents-install Component (ZooKeeper on a third-party image): the same checks hold.
for (const components of [[], ['agents-install']]) {
  t.test(
    `deploy/${components.map((c) => ` + ${c}`).join('')} renders with kubectl kustomize`,
    { skip: KUBECTL ? false : 'kubectl not found at /usr/bin/kubectl or /usr/local/bin/kubectl' },
    async (t) => {
      const objs = rendered(components);
      const byName = (kind: string, name: string): Obj | undefined => objs.find((o) => o.kind === kind && o.metadata.name === name);
      const agents = builtAgents();
      const images = entrypoints();
      // The manifests' calls, and the exec probes deploy/README.md documents instead of their httpGet probes.
      const calls = [...invocations(objs, images), ...documentedInvocations()].flatMap(agentCalls);

      t.test('the three StatefulSets have 3 replicas, a datadir claim and a headless governing Service', async (t) => {
        t.same(
          statefulSets(objs)
            .map((s) => s.metadata.name)
            .sort(),
          ['kafka', 'kraft', 'zoo'],
        );
        for (const set of statefulSets(objs)) {
          t.equal(set.spec.replicas, 3, `${set.metadata.name} replicas`);
          t.same(
            set.spec.volumeClaimTemplates.map((v: any) => v.metadata.name),
            ['datadir'],
            `${set.metadata.name} claims`,
          );
          const svc = byName('Service', set.spec.serviceName);
          t.equal(svc?.spec.clusterIP, 'None', `${set.metadata.name}: Service ${set.spec.serviceName} is headless`);
          t.equal(svc?.spec.publishNotReadyAddresses, true, `${set.metadata.name}: members find each other before ready`);
          t.ok(set.spec.template.spec.terminationGracePeriodSeconds >= 30, `${set.metadata.name} grace period`);
        }
        t.same(
          byName('Service', 'zk')
            ?.spec.ports.map((p: any) => p.port)
            .sort(),
          [2181, 2888, 3888],
          'zk ports',
        );
        t.same(
          byName('Service', 'kafka-svc')?.spec.ports.map((p: any) => p.port),
          [9093],
          'kafka-svc port',
        );
      });

      t.test('every /app/<agent>.cjs named in a manifest or an ENTRYPOINT is a bundle scripts/build.ts builds', async (t) => {
        const named = new Set(calls.map((c) => c.agent));
        for (const argv of images.values()) for (const a of argv) if (a.startsWith('/app/')) named.add(a.slice(5, -4));
        // zk-probe is built and shipped for the exec probes deploy/README.md still documents; the manifests use httpGet.
        const unused = [...agents.keys()].filter((a) => !named.has(a));
        t.same(
          unused.filter((a) => !EXEC_PROBE_ALTERNATIVES.includes(a)),
          [],
          'every agent is used, or is a documented exec-probe alternative',
        );
        for (const a of unused) t.match(readFileSync(`${ROOT}deploy/README.md`, 'utf8'), `/app/${a}.cjs`, `deploy/README.md shows how to use ${a}`);
        for (const agent of named) t.ok(agents.has(agent), `${agent} is built`);
      });

      t.test('every agent flag, subcommand and env var used is one the agent accepts (its --help)', async (t) => {
        const used = [...new Set(calls.map((c) => c.agent))];
        const help = new Map(await Promise.all(used.map(async (a) => [a, await helpOf(agents.get(a)!)] as const)));
        for (const call of calls) {
          const text = help.get(call.agent) ?? '';
          const accepted = new Set([...text.matchAll(/^ {2}-([a-z0-9-]+)/gm)].map((m) => m[1]));
          for (const flag of call.flags) t.ok(accepted.has(flag), `${call.where}: ${call.agent} accepts -${flag}`);
          if (call.subcommand) t.match(/^Usage: .*$/m.exec(text)?.[0] ?? '', call.subcommand, `${call.where}: ${call.agent} has ${call.subcommand}`);
        }
        // Each env var a container sets is read by an agent that runs in it (peer-finder's hook gets the same env).
        for (const { set, pod } of podSpecs(objs)) {
          for (const c of containersOf(pod)) {
            const readers = calls.filter((k) => k.where.startsWith(`${set}/${c.name}`)).map((k) => help.get(k.agent) ?? '');
            for (const e of c.env ?? [])
              t.ok(
                readers.some((h) => new RegExp(`\\b${e.name}\\b`).test(h)),
                `${set}/${c.name}: an agent reads ${e.name}`,
              );
          }
        }
      });

      t.test(
        "zoo's probes are httpGet on zk-bootstrap run's health port: a named container port equal to ZK_HEALTH_PORT, a check deadline below timeoutSeconds",
        async (t) => {
          const zookeeper = podSpecs(objs)
            .find((p) => p.set === 'zoo')!
            .pod.containers.find((c: Container) => c.name === 'zookeeper') as Container & { ports: any[] };
          const env = (name: string): string | undefined => zookeeper.env?.find((e: any) => e.name === name)?.value;
          const port = zookeeper.ports.find((p) => p.name === 'health');
          t.equal(String(port?.containerPort), env('ZK_HEALTH_PORT'), 'port health is the one zk-bootstrap serves on');
          const checkMs = durationMs(env('ZK_HEALTH_CHECK_TIMEOUT') ?? '2s') ?? Infinity;
          for (const [probe, path] of [
            ['readinessProbe', '/readyz'],
            ['livenessProbe', '/livez'],
            ['startupProbe', '/livez'],
          ] as const) {
            t.same(zookeeper[probe]?.httpGet, { path, port: 'health' }, `${probe}: GET ${path} on port health`);
            t.notOk(zookeeper[probe]?.exec, `${probe}: no exec handler beside it`);
            t.ok(
              checkMs < zookeeper[probe].timeoutSeconds * 1000,
              `${probe}: the ${checkMs} ms check answers before kubelet's ${zookeeper[probe].timeoutSeconds} s timeout`,
            );
          }
        },
      );

      t.test('kafka-entrypoint takes the args of each Kafka set as they are: id from the ordinal, FQDN in the namespace of the pod', async (t) => {
        for (const set of ['kafka', 'kraft']) {
          const c = podSpecs(objs).find((p) => p.set === set)!.pod.containers[0];
          const argv = [`${ROOT}${agents.get('kafka-entrypoint')}`, ...c.args, `--hostname=${set}-2`, '--libs=/opt/kafka/libs', '--dry-run'];
          const r = await run(process.execPath, argv, { timeout: 8000, env: { PATH: process.env['PATH'] ?? '', POD_NAMESPACE: 'prod' } }).catch((e) => e);
          t.equal(r.code ?? 0, 0, `${set}: dry run accepted`);
          t.match(
            r.stderr,
            new RegExp(
              `kafka-entrypoint\\.node mode=${set === 'kafka' ? 'zookeeper' : 'kraft'} .*(broker|node)\\.id=2 fqdn=${set}-2\\.${c.args[0].split('=')[1]}\\.prod\\.svc`,
            ),
            `${set}: identity`,
          );
        }
      });

      t.test('the Kafka sets probe by httpGet on the port kafka-entrypoint serves (no Kafka listener), /readyz and /livez', async (t) => {
        t.ok(
          documentedInvocations().some((i) => i.argv.includes('/app/kafka-probe.cjs')),
          'deploy/README.md documents the exec form',
        );
        for (const set of ['kafka', 'kraft']) {
          const c = podSpecs(objs).find((p) => p.set === set)!.pod.containers[0];
          const port = c.args.find((a: string) => a.startsWith('--health-port='))?.split('=')[1];
          t.same(
            c.ports.filter((p: any) => p.name === 'health').map((p: any) => String(p.containerPort)),
            [port],
            `${set}: port health is -health-port ${port}`,
          );
          t.notOk(
            c.ports.some((p: any) => p.name !== 'health' && String(p.containerPort) === port),
            `${set}: no Kafka listener on it`,
          );
          t.same(
            ['readinessProbe', 'startupProbe', 'livenessProbe'].map((k) => c[k]?.httpGet),
            [
              { path: '/readyz', port: 'health' },
              { path: '/livez', port: 'health' },
              { path: '/livez', port: 'health' },
            ],
            `${set}: httpGet probes`,
          );
          const grace = podSpecs(objs).find((p) => p.set === set)!.pod.terminationGracePeriodSeconds;
          const stopGrace = Number(/^--stop-grace=(\d+)s$/.exec(c.args.find((a: string) => a.startsWith('--stop-grace=')) ?? '')?.[1]);
          t.ok(stopGrace > 0 && stopGrace < grace, `${set}: the supervised JVM's SIGKILL (${stopGrace}s) comes before kubelet's (${grace}s)`);
        }
      });

      t.test('every container runs as a non-root user on a read-only root filesystem, and the images default to UID 65532', async (t) => {
        for (const { set, pod } of podSpecs(objs)) {
          for (const c of containersOf(pod)) {
            const sc = { ...pod.securityContext, ...c.securityContext };
            t.equal(sc.runAsNonRoot, true, `${set}/${c.name} runAsNonRoot`);
            t.not(sc.runAsUser, 0, `${set}/${c.name} runAsUser`);
            t.equal(c.securityContext?.allowPrivilegeEscalation, false, `${set}/${c.name} no privilege escalation`);
            t.equal(c.securityContext?.readOnlyRootFilesystem, true, `${set}/${c.name} read-only root filesystem`);
          }
        }
        for (const name of ['zookeeper', 'kafka']) t.match(readFileSync(`${ROOT}images/${name}.Containerfile`, 'utf8'), /^USER 65532/m, `${name} image user`);
      });

      t.test('no secret value appears on a command line; the super-user password reaches ZooKeeper by env', async (t) => {
        const secrets = objs
          .filter((o) => o.kind === 'Secret')
          .flatMap((s) => [...Object.values(s.stringData ?? {}), ...Object.values(s.data ?? {}).map((v) => Buffer.from(v, 'base64').toString())]);
        t.ok(secrets.length > 0, 'a Secret holds the password');
        const lines = invocations(objs, images).flatMap((i) => i.argv);
        for (const secret of secrets)
          t.notOk(
            lines.some((l) => l.includes(secret)),
            'secret not in any command, args, probe or hook',
          );
        for (const { set, pod } of podSpecs(objs).filter((p) => p.set === 'zoo')) {
          for (const c of containersOf(pod).filter(runsZkAgents)) {
            const env = c.env?.find((e: any) => e.name === 'ZK_SUPER_SECRET');
            t.equal(env?.valueFrom?.secretKeyRef?.name, 'zk-super', `${set}/${c.name} ZK_SUPER_SECRET from the Secret`);
          }
        }
      });

      t.test('the servers get the settings the tests run them with', async (t) => {
        const zk = podSpecs(objs).find((p) => p.set === 'zoo')!.pod;
        const zkArgs = zk.containers[0].args as string[];
        t.ok(zkArgs.includes('-Dsun.net.inetaddr.ttl=5'), 'ZooKeeper JVM caches DNS 5 s');
        t.ok(
          zkArgs.some((a) => a.startsWith('-Xmx')),
          'ZooKeeper heap is bounded',
        );
        for (const c of containersOf(zk).filter(runsZkAgents)) {
          t.equal(
            zkArgs.at(-1),
            `${c.env?.find((e: any) => e.name === 'ZOO_DATA_DIR')?.value}/conf/zoo.cfg`,
            `the server reads the zoo.cfg ${c.name} has zk-bootstrap write`,
          );
        }
        for (const set of ['kafka', 'kraft']) {
          const c = podSpecs(objs).find((p) => p.set === set)!.pod.containers[0];
          t.match(c.env.find((e: any) => e.name === 'KAFKA_HEAP_OPTS')?.value ?? '', /-Xmx/, `${set} heap`);
        }
        const all = strings(objs.filter((o) => o.kind === 'StatefulSet'));
        t.notOk(
          all.some((s) => s.startsWith('inter.broker.protocol.version=')),
          'no obsolete inter.broker.protocol.version',
        );
        const kafkaArgs = podSpecs(objs).find((p) => p.set === 'kafka')!.pod.containers[0].args as string[];
        for (const o of ['listeners=PLAINTEXT://:9093', 'offsets.topic.replication.factor=3', 'unclean.leader.election.enable=true']) {
          t.ok(kafkaArgs.includes(o) && kafkaArgs[kafkaArgs.indexOf(o) - 1] === '--override', `seed override ${o}`);
        }
        t.match(
          kafkaArgs.find((a) => a.startsWith('zookeeper.connect=')) ?? '',
          /zoo-0\.zk:2181,zoo-1\.zk:2181,zoo-2\.zk:2181/,
          'brokers use the ZooKeeper pods',
        );
      });
    },
  );
}

t.test(
  'agents-install: ZooKeeper on an image without the agents runs them from the emptyDir the agents image fills',
  { skip: KUBECTL ? false : 'kubectl not found' },
  async (t) => {
    const images = entrypoints();
    const baseObjs = rendered();
    const objs = rendered(['agents-install']);
    const zoo = (o: Obj[]) => podSpecs(o).find((p) => p.set === 'zoo')!.pod;
    const pod = zoo(objs);
    const [install, ...rest] = containersOf(pod) as any[];
    t.equal(install.name, 'agents-install', 'the install runs first');
    t.equal(install.image, 'statefulset-agents/agents:dev', 'from the agents image');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(readFileSync(`${ROOT}images/agents.Containerfile`, 'utf8'))?.[1] ?? '[]');
    t.same(install.command, [...images.get('statefulset-agents/agents')!, ...cmd], 'the agents image ENTRYPOINT and CMD, spelled out');
    t.same(install.volumeMounts, [{ name: 'agents', mountPath: cmd[0] }], 'it writes the emptyDir only');
    t.ok(
      pod.volumes.some((v: any) => v.name === 'agents' && v.emptyDir),
      'agents is an emptyDir',
    );
    for (const c of rest) {
      t.equal(c.image, 'statefulset-agents/zookeeper-debian:dev', `${c.name}: the third-party image`);
      t.ok(
        c.volumeMounts.some((m: any) => m.name === 'agents' && m.mountPath === '/agents' && m.readOnly === true),
        `${c.name}: /agents read-only`,
      );
    }
    for (const c of containersOf(pod)) t.equal(c.securityContext?.readOnlyRootFilesystem, true, `${c.name}: read-only root filesystem`);

    // Every agent runs from /agents with the node copied there; the hook string too.
    const zooRuns = (o: Obj[]) => invocations(o, images).filter((i) => i.where.startsWith('zoo/') && !i.where.startsWith('zoo/agents-install'));
    for (const inv of zooRuns(objs)) {
      const at = inv.argv.findIndex((a) => BUNDLE.test(a));
      // Node options (peer-finder's --lite-mode) may stand between node and the bundle.
      const node = inv.argv
        .slice(0, at)
        .filter((a) => !a.startsWith('--'))
        .at(-1);
      t.ok(at > 0 && node === '/agents/node' && inv.argv[at]!.startsWith('/agents/'), `${inv.where}: /agents/node [node options] /agents/<agent>.cjs`);
      for (const hook of inv.argv.filter((a) => a.startsWith('-on-start=')))
        t.match(hook, /^-on-start=\/agents\/node \/agents\/[a-z-]+\.cjs /, `${inv.where}: hook`);
    }
    // zk-bootstrap run, resident beside the JVM, gets the zookeeper image's node flags (its memory under probes).
    const nodeOptions = (argv: readonly string[]) => {
      const bundleAt = argv.findIndex((a) => BUNDLE.test(a));
      return argv.slice(0, bundleAt).filter((a) => a.startsWith('--'));
    };
    const run = zooRuns(objs).find((i) => i.where === 'zoo/zookeeper')!;
    t.same(nodeOptions(run.argv), nodeOptions(images.get('statefulset-agents/zookeeper')!), 'zk-bootstrap run: the node flags of the image ENTRYPOINT');
    t.ok(nodeOptions(run.argv).includes('--max-semi-space-size=1'), 'which bound the young generation');
    // ... and makes exactly the calls deploy/zookeeper.yaml makes, with the same env.
    const calls = (o: Obj[]) =>
      zooRuns(o)
        .flatMap(agentCalls)
        .map((c) => `${c.where} ${c.agent} ${c.subcommand ?? ''} ${c.flags.join(' ')}`);
    t.same(calls(objs), calls(baseObjs), 'same agents, subcommands and flags as deploy/zookeeper.yaml');
    for (const c of containersOf(zoo(baseObjs))) t.same(rest.find((r) => r.name === c.name)?.env, c.env, `${c.name}: same env`);
    // The server command differs only in the image's own classpath and its logger: Debian's log4j takes the console
    // appender by property and ignores slf4j-simple's per-logger levels.
    const server = (c: any) => (c.args as string[]).slice(c.args.indexOf('--') + 1);
    const [ours, theirs] = [server(zoo(baseObjs).containers[0]), server(pod.containers[0])];
    const cp = (argv: string[]) => argv[argv.indexOf('-cp') + 1];
    t.equal(cp(theirs), '/etc/zookeeper/conf:/usr/share/java/zookeeper.jar', "Debian's classpath");
    t.same(
      theirs.filter((a) => a !== cp(theirs) && !a.startsWith('-Dzookeeper.root.logger=')),
      ours.filter((a) => a !== cp(ours) && !a.startsWith('-Dorg.slf4j.simpleLogger.')),
      'otherwise the same server command',
    );
  },
);

t.test(
  'every image a manifest names is one images/build.sh builds, under the name kubelet looks up',
  { skip: KUBECTL ? false : 'kubectl not found' },
  async (t) => {
    const built = new Set(
      [...readFileSync(`${ROOT}images/build.sh`, 'utf8').matchAll(/^REF\[[a-z-]+\]=\$REGISTRY_PREFIX\/(\S+)$/gm)].map((m) => `statefulset-agents/${m[1]}`),
    );
    t.match(
      readFileSync(`${ROOT}images/build.sh`, 'utf8'),
      /^REGISTRY_PREFIX=docker\.io\/statefulset-agents /m,
      'docker.io/, as kubelet normalises a name without a registry',
    );
    for (const components of [[], ['agents-install']]) {
      for (const { set, pod } of podSpecs(rendered(components))) {
        for (const c of containersOf(pod)) t.ok(built.has(c.image), `${set}/${c.name}: ${c.image} is built`);
      }
    }
  },
);
