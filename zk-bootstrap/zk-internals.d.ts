// Types for the two node-zookeeper-client 1.1.3 internals zk-admin.ts extends (the package ships no types for them).
declare module 'node-zookeeper-client/lib/jute/index.js' {
  export type Serializable = {
    byteLength(): number;
    serialize(buffer: Buffer, offset: number): number;
    setChrootPath?(path: string): void;
  };
  export type RequestHeader = Serializable & { xid: number; type: number };
  export type Response = { header: { xid: number; zxid: Buffer; err: number }; payload: { data?: Buffer } | null };
  const jute: {
    OP_CODES: Record<string, number>;
    protocol: { RequestHeader: new () => RequestHeader };
    Request: new (header: RequestHeader, payload: Serializable | null) => unknown;
  };
  export default jute;
}

declare module 'node-zookeeper-client/lib/Exception.js' {
  const Exception: { create: (code: number, path?: string) => Error & { code: number; name: string } } & Record<string, unknown>;
  export default Exception;
}
