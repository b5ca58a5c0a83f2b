// The DNS records CoreDNS serves for a headless Service, computed from its endpoints; pure.
import type { DnsRecords } from './dns.ts';

export type ServiceSpec = {
  readonly name: string;
  /** true: pods are in DNS as soon as they have an IP; false: only once Ready. */
  readonly publishNotReadyAddresses?: boolean;
  readonly ports?: ReadonlyArray<{ readonly name: string; readonly port: number; readonly protocol?: 'tcp' | 'udp' }>;
};

// An endpoint without `ip` gets SRV records only: dnsmasq then adds no glue A records, which it mis-encodes past
// 16 KiB (a 1,000-member answer would be unreadable; CoreDNS has no such limit).
export type Endpoint = { readonly hostname: string; readonly ip?: string };

// Per endpoint: `<pod>.<svc>.<ns>.svc.<domain>` A; the service name: an A per endpoint; SRV on the bare service
// name and on `_<port>._<proto>.<svc>...` per named port, weight 100/count as CoreDNS computes it.
export const serviceRecords = (
  services: readonly ServiceSpec[],
  endpointsOf: (service: string) => readonly Endpoint[],
  namespace: string,
  domain: string,
): DnsRecords => {
  const a = new Map<string, string[]>();
  const srv = new Map<string, Array<{ target: string; port: number; weight: number }>>();
  for (const svc of services) {
    const base = `${svc.name}.${namespace}.svc.${domain}`;
    const endpoints = endpointsOf(svc.name);
    const ports = svc.ports && svc.ports.length > 0 ? svc.ports : [{ name: 'default', port: 0 }];
    const weight = endpoints.length === 0 ? 0 : Math.floor(100 / (endpoints.length * ports.length)) || 1;
    for (const ep of endpoints) {
      const target = `${ep.hostname}.${base}`;
      if (ep.ip !== undefined) {
        a.set(target, [ep.ip]);
        a.set(base, [...(a.get(base) ?? []), ep.ip]);
      }
      for (const port of ports) {
        srv.set(base, [...(srv.get(base) ?? []), { target, port: port.port, weight }]);
        if (port.name !== 'default') {
          const named = `_${port.name}._${'protocol' in port && port.protocol ? port.protocol : 'tcp'}.${base}`;
          srv.set(named, [...(srv.get(named) ?? []), { target, port: port.port, weight }]);
        }
      }
    }
  }
  return { a, srv };
};
