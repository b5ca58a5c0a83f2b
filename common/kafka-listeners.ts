// Kafka listener lists (`NAME://host:port,...`) and the per-pod advertised form derived from them.
export type Listener = { readonly name: string; readonly host: string; readonly port: number };

export type ParsedListeners = { readonly ok: true; readonly listeners: readonly Listener[] } | { readonly ok: false; readonly reason: string };

// Parse `listeners` / `advertised.listeners`; IPv6 hosts are bracketed as Kafka writes them.
export const parseListeners = (text: string): ParsedListeners => {
  const listeners: Listener[] = [];
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z0-9_-]+):\/\/(\[[0-9a-fA-F:.]*\]|[^:/[\]]*):(\d{1,5})$/.exec(item);
    const port = Number(match?.[3]);
    if (!match || port > 65535) return { ok: false, reason: `"${item}" is not NAME://host:port` };
    listeners.push({ name: (match[1] as string).toUpperCase(), host: match[2] as string, port });
  }
  if (listeners.length === 0) return { ok: false, reason: 'is empty' };
  return { ok: true, listeners };
};

export const renderListeners = (listeners: readonly Listener[]): string => listeners.map((l) => `${l.name}://${l.host}:${l.port}`).join(',');

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '[::]', '[::0]']);

// What clients should dial: a wildcard host becomes the pod FQDN (the seed relied on Kafka's implicit canonical
// hostname instead, which breaks when /etc/hosts lacks the FQDN); a concrete host is kept.
export const advertisedListeners = (listeners: readonly Listener[], fqdn: string): readonly Listener[] =>
  listeners.map((l) => (WILDCARD_HOSTS.has(l.host) ? { ...l, host: fqdn } : l));
