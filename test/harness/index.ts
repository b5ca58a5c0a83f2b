// The test harness: real pods (network + UTS namespaces), real DNS (dnsmasq), real servers. See README.md.
export { Cluster, skipUnlessRoot } from './cluster.ts';
export { StatefulSet, type StatefulSetSpec } from './statefulset.ts';
export { Pod, type PodSpec, type Probe, type ExecProbe, type HttpProbe, type Container, type MainContainer } from './pod.ts';
export { waitFor, delay } from './wait.ts';
export { httpGet, type HttpAnswer } from './http.ts';
export { run, runOk } from './process.ts';
export * from './servers.ts';
export { staticZkEnsemble, fixture, kafkaRoundTrip, SEED_LINES } from './fixtures.ts';
export { freePorts } from './ports.ts';
