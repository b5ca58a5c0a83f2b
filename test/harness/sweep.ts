// Remove namespaces, bridges and files that interrupted test runs left (only clusters whose owner process is gone).
import { sweepLeftovers } from './net.ts';

if (process.getuid?.() === 0) {
  const removed = await sweepLeftovers();
  if (removed.length > 0) console.error(`harness: removed leftovers of ${removed.join(' ')}`);
}
