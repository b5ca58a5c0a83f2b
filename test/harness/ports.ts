// Free TCP ports on 127.0.0.1 for tests that run servers outside pods: bind port 0, read it, close.
import { createServer } from 'node:net';

// `count` distinct ports (two separate single-port calls may be handed the same port).
export const freePorts = async (count: number): Promise<number[]> => {
  const ports = new Set<number>();
  while (ports.size < count) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port > 1024) ports.add(port);
  }
  return [...ports];
};
