// The KRaft controller quorum: static voters (`controller.quorum.voters`, the same on every node) or a dynamic
// quorum (`controller.quorum.bootstrap.servers`, KIP-853), both derived from the controller set's pod names.
import type { Layered } from './layers.ts';
import { excerpt } from '../common/log.ts';
import type { Settings } from './server-properties.ts';
import type { Role } from '../common/kafka-target.ts';
import { endpointText, parseEndpoints, type Endpoint } from '../common/kafka-endpoint.ts';

export type Quorum =
  | { readonly kind: 'none' }
  | { readonly kind: 'static'; readonly voters: string }
  | {
      readonly kind: 'dynamic';
      readonly bootstrap: readonly Endpoint[];
      /** Ordinal 0 of the controller set: the only controller that may found a quorum. */
      readonly firstController: boolean;
      /** The other controllers' endpoints, asked whether a quorum already exists before founding one. */
      readonly otherControllers: readonly Endpoint[];
    };

export type QuorumResult = { readonly quorum: Quorum; readonly props: ReadonlyMap<string, string>; readonly problems: readonly string[] };

// The quorum this node belongs to and the properties that describe it, or why it cannot be worked out.
export const quorumFor = (s: Settings, user: Layered, self: { roles: readonly Role[]; nodeId: number; controllerPort: number }): QuorumResult => {
  const problems: string[] = [];
  const props = new Map<string, string>();
  const isController = self.roles.includes('controller');
  const givenVoters = user.props.get('controller.quorum.voters');
  const givenBootstrap = user.props.get('controller.quorum.bootstrap.servers');
  const kind = s.quorum ?? (givenBootstrap !== undefined && givenVoters === undefined ? 'dynamic' : 'static');
  if (givenVoters !== undefined && kind === 'dynamic')
    problems.push('controller.quorum.voters is set but --quorum=dynamic; a dynamic quorum uses controller.quorum.bootstrap.servers only');
  const set = s.controllerSet ?? (isController ? s.pod.setName : undefined);
  const service = s.controllerService ?? s.service;
  const size = s.controllers;
  const host = (i: number): string => `${set}-${i}.${service}.${s.namespace}.svc.${s.domain}`;
  const canDerive = set !== undefined && service !== undefined && size !== undefined;
  const missing = (what: string): void => {
    const needs = [
      set === undefined ? '--controller-set' : '',
      service === undefined ? '--controller-service (or --service)' : '',
      size === undefined ? '--controllers' : '',
    ].filter(Boolean);
    problems.push(`${what} cannot be derived: set ${needs.join(', ')}`);
  };
  if (isController && set !== undefined && set !== s.pod.setName) problems.push(`--controller-set=${set} but this controller runs in set ${s.pod.setName}`);
  if (isController && size !== undefined && s.pod.ordinal >= size && kind === 'static') {
    problems.push(`ordinal ${s.pod.ordinal} is outside --controllers=${size}: a static quorum cannot grow; raise --controllers or use --quorum=dynamic`);
  }
  if (kind === 'static') {
    if (givenVoters !== undefined) return { quorum: { kind, voters: givenVoters }, props, problems };
    if (!canDerive) {
      missing('controller.quorum.voters');
      return { quorum: { kind: 'none' }, props, problems };
    }
    if (s.controllerIdOffset + size - 1 > 2 ** 31 - 1) {
      problems.push(`--controller-id-offset=${s.controllerIdOffset} with --controllers=${size} gives voter ids past Kafka's largest node id ${2 ** 31 - 1}`);
      return { quorum: { kind: 'none' }, props, problems };
    }
    const voters = Array.from({ length: size }, (_, i) => `${i + s.controllerIdOffset}@${host(i)}:${self.controllerPort}`).join(',');
    props.set('controller.quorum.voters', voters);
    return { quorum: { kind, voters }, props, problems };
  }
  let bootstrap: Endpoint[] | undefined;
  if (givenBootstrap !== undefined) {
    bootstrap = parseEndpoints(givenBootstrap);
    if (bootstrap === undefined) problems.push(`controller.quorum.bootstrap.servers=${excerpt(givenBootstrap)} is not host:port,...`);
  } else if (canDerive) {
    bootstrap = Array.from({ length: size }, (_, i) => ({ host: host(i), port: self.controllerPort }));
    props.set('controller.quorum.bootstrap.servers', bootstrap.map(endpointText).join(','));
  } else {
    missing('controller.quorum.bootstrap.servers');
  }
  // Kafka 4.2+: a controller formatted with --no-initial-controllers adds itself once caught up (earlier versions
  // ignore the key with a warning and need kafka-metadata-quorum add-controller).
  if (isController) props.set('controller.quorum.auto.join.enable', 'true');
  const own = service === undefined ? undefined : `${s.pod.hostname}.${service}.${s.namespace}.svc.${s.domain}`;
  const others = (bootstrap ?? []).filter((e) => e.host !== own && e.host !== s.pod.hostname);
  const quorum: Quorum = {
    kind,
    bootstrap: bootstrap ?? [],
    firstController: isController && s.pod.ordinal === 0,
    otherControllers: isController ? others : [],
  };
  return { quorum, props, problems };
};
