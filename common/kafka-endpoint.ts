// A host:port a Kafka agent dials, and the one parser for it: kafka-probe's -bootstrap, the entries of
// controller.quorum.bootstrap.servers (kafka-entrypoint's founding check and `leave`), endpoints in error lines. Pure.
export type Endpoint = { readonly host: string; readonly port: number };

// `host:port` or `[v6]:port`; the brackets are dropped (a socket takes the bare address). Port 1 to 65535.
export const parseEndpoint = (text: string): Endpoint | undefined => {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[2]);
  return m && port >= 1 && port <= 65535 ? { host: m[1] as string, port } : undefined;
};

// A comma-separated list (Kafka's bootstrap lists); undefined when empty or any entry is not host:port.
export const parseEndpoints = (text: string): Endpoint[] | undefined => {
  const endpoints = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseEndpoint);
  return endpoints.length > 0 && endpoints.every((e) => e !== undefined) ? (endpoints as Endpoint[]) : undefined;
};

// As Kafka writes it: an IPv6 host in brackets.
export const endpointText = (e: Endpoint): string => (e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`);
