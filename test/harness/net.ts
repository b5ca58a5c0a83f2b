// The cluster network: one bridge and one /24 per Cluster, a network + UTS namespace per pod. Names carry the
// cluster id so concurrent test files never collide; the owner's pid is recorded so a sweep can tell leftovers.
import { mkdirSync, rmSync, writeFileSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { run, runOk } from './process.ts';

export const STATE_ROOT = '/run/sa-harness';
const SUBNET_LOCKS = `${STATE_ROOT}/subnets`;
// 10.231.N.0/24: addresses only inside namespaces this harness creates.
const subnetPrefix = (n: number): string => `10.231.${n}`;

export type ClusterNet = { readonly id: string; readonly subnet: number; readonly bridge: string; readonly gateway: string };

// Claim a free /24 and create its bridge (the gateway address lets the test process reach pods directly).
export const createClusterNet = async (id: string): Promise<ClusterNet> => {
  mkdirSync(SUBNET_LOCKS, { recursive: true });
  for (let n = 1; n < 250; n++) {
    try {
      mkdirSync(`${SUBNET_LOCKS}/${n}`);
    } catch {
      continue;
    }
    writeFileSync(`${SUBNET_LOCKS}/${n}/owner`, `${id} ${process.pid}\n`);
    const bridge = `sa${id}br`;
    const gateway = `${subnetPrefix(n)}.1`;
    await runOk(['ip', 'link', 'add', bridge, 'type', 'bridge']);
    await runOk(['ip', 'addr', 'add', `${gateway}/24`, 'dev', bridge]);
    await runOk(['ip', 'link', 'set', bridge, 'up']);
    return { id, subnet: n, bridge, gateway };
  }
  throw new Error('no free harness subnet in 10.231.1-249.0/24');
};

export const destroyClusterNet = async (net: ClusterNet): Promise<void> => {
  await run(['ip', 'link', 'del', net.bridge]);
  rmSync(`${SUBNET_LOCKS}/${net.subnet}`, { recursive: true, force: true });
};

export const addressIn = (net: ClusterNet, host: number): string => `${subnetPrefix(net.subnet)}.${host}`;

export type PodNet = { readonly netns: string; readonly utsFile: string; readonly ip: string; readonly hostVeth: string };

let vethCounter = 0;

// A pod's namespaces: netns with eth0 on the bridge, a persistent UTS namespace holding the hostname, and the
// /etc/netns files `ip netns exec` binds over /etc (resolv.conf and hosts as kubelet writes them).
export const createPodNet = async (net: ClusterNet, pod: { name: string; ips: readonly string[]; resolvConf: string; hosts: string }): Promise<PodNet> => {
  const netns = `sa${net.id}-${pod.name}`;
  const hostVeth = `sa${net.id}v${(vethCounter++ % 4000).toString(36)}`;
  const utsDir = `${STATE_ROOT}/${net.id}/uts`;
  const utsFile = `${utsDir}/${pod.name}`;
  mkdirSync(utsDir, { recursive: true });
  mkdirSync(`/etc/netns/${netns}`, { recursive: true });
  writeFileSync(`/etc/netns/${netns}/resolv.conf`, pod.resolvConf);
  writeFileSync(`/etc/netns/${netns}/hosts`, pod.hosts);
  writeFileSync(`/etc/netns/${netns}/hostname`, `${pod.name}\n`);
  await runOk(['ip', 'netns', 'add', netns]);
  await runOk(['ip', '-batch', '-'], {
    input: `link add ${hostVeth} type veth peer name eth0 netns ${netns}\nlink set ${hostVeth} master ${net.bridge} up\n`,
  });
  const inside = [...pod.ips.map((ip) => `addr add ${ip}/24 dev eth0`), 'link set eth0 up', 'link set lo up', `route add default via ${net.gateway}`];
  await runOk(['ip', '-n', netns, '-batch', '-'], { input: inside.join('\n') + '\n' });
  writeFileSync(utsFile, '');
  await runOk(['unshare', `--uts=${utsFile}`, 'hostname', pod.name]);
  return { netns, utsFile, ip: pod.ips[0] as string, hostVeth };
};

// argv prefix that runs a command inside the pod: its hostname, its network, its /etc/resolv.conf and hosts.
export const inPod = (podNet: PodNet): string[] => ['nsenter', `--uts=${podNet.utsFile}`, 'ip', 'netns', 'exec', podNet.netns];

// SIGKILL everything still in the pod's network namespace, then remove the namespaces and files.
export const destroyPodNet = async (podNet: PodNet): Promise<void> => {
  await killNetnsProcesses(podNet.netns);
  await run(['ip', 'netns', 'del', podNet.netns]);
  await run(['umount', podNet.utsFile]);
  rmSync(podNet.utsFile, { force: true });
  rmSync(`/etc/netns/${podNet.netns}`, { recursive: true, force: true });
};

export const killNetnsProcesses = async (netns: string): Promise<void> => {
  for (let round = 0; round < 20; round++) {
    const pids = (await run(['ip', 'netns', 'pids', netns])).stdout.split(/\s+/).filter(Boolean).map(Number);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
};

// Remove what crashed or interrupted test runs left behind: clusters whose owner process is gone.
export const sweepLeftovers = async (): Promise<string[]> => {
  const removed: string[] = [];
  if (!existsSync(SUBNET_LOCKS)) return removed;
  for (const n of readdirSync(SUBNET_LOCKS)) {
    const [id, pid] = readFileSync(`${SUBNET_LOCKS}/${n}/owner`, 'utf8').trim().split(' ');
    if (pid && isAlive(Number(pid))) continue;
    const namespaces = (await run(['ip', 'netns', 'list'])).stdout
      .split('\n')
      .map((line) => line.split(' ')[0] ?? '')
      .filter((name) => name.startsWith(`sa${id}-`));
    for (const netns of namespaces) {
      await killNetnsProcesses(netns);
      await run(['ip', 'netns', 'del', netns]);
      rmSync(`/etc/netns/${netns}`, { recursive: true, force: true });
    }
    const utsDir = `${STATE_ROOT}/${id}/uts`;
    if (existsSync(utsDir)) for (const f of readdirSync(utsDir)) await run(['umount', `${utsDir}/${f}`]);
    rmSync(`${STATE_ROOT}/${id}`, { recursive: true, force: true });
    await run(['ip', 'link', 'del', `sa${id}br`]);
    rmSync(`${SUBNET_LOCKS}/${n}`, { recursive: true, force: true });
    removed.push(`sa${id}`);
  }
  return removed;
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
