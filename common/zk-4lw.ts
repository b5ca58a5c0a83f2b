// A ZooKeeper four-letter-word client: connect, send exactly 4 bytes, read until the server closes.
// Exactly 4 bytes matters: `echo ruok | nc` sends `ruok\n`; the server answers, closes with the `\n` unread, the
// kernel sends RST and the client may drop the answer (~5 % empty replies measured on this machine).
import { connect as netConnect, type Socket } from 'node:net';

export type FourLetterWord = 'ruok' | 'srvr' | 'conf' | 'mntr' | 'stat' | 'isro' | 'envi' | 'cons' | 'dirs';

export type FourLetterRequest = {
  readonly host: string;
  readonly port: number;
  readonly word: FourLetterWord;
  /** Whole exchange, connect included. */
  readonly timeoutMs: number;
  /** Answers longer than this are cut (mntr on 3.9 is ~20 KiB). */
  readonly maxBytes?: number;
};

export type FourLetterFailure = 'refused' | 'timeout' | 'reset' | 'unreachable' | 'empty';

export type FourLetterResult =
  | { readonly kind: 'answer'; readonly text: string; readonly ms: number }
  | { readonly kind: 'failed'; readonly reason: FourLetterFailure; readonly detail: string; readonly ms: number };

/** The socket seam: tests and the bench can pass their own; the default is node:net. */
export type Connect = (port: number, host: string) => Socket;

const failureFor = (code: string | undefined): FourLetterFailure => {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  return 'unreachable';
};

// A Connect whose sockets are destroyed when `signal` aborts, so an exchange in flight ends at once (as a failed
// result) and holds no timer: the caller's exit never waits for it. The listener goes with the socket, as one is
// made per exchange for as long as the process lives.
export const abortableConnect =
  (signal: AbortSignal, connect: Connect = netConnect): Connect =>
  (port, host) => {
    const socket = connect(port, host);
    const destroy = () => socket.destroy();
    signal.addEventListener('abort', destroy, { once: true });
    socket.once('close', () => signal.removeEventListener('abort', destroy));
    return socket;
  };

// One four-letter word exchange as a value; never throws, never outlives timeoutMs.
export const sendFourLetterWord = (req: FourLetterRequest, connect: Connect = netConnect): Promise<FourLetterResult> =>
  new Promise((resolve) => {
    const started = Date.now(); // not performance.now(): touching it loads perf_hooks, ~1 ms of a probe's start
    const limit = req.maxBytes ?? 256 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = connect(req.port, req.host);
    const finish = (result: FourLetterResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const ms = (): number => Date.now() - started;
    const answer = (): FourLetterResult => {
      const text = Buffer.concat(chunks).toString('utf8');
      return text === ''
        ? { kind: 'failed', reason: 'empty', detail: `${req.word}: connection closed without an answer`, ms: ms() }
        : { kind: 'answer', text, ms: ms() };
    };
    const timer = setTimeout(() => {
      finish({ kind: 'failed', reason: 'timeout', detail: `${req.word}: no complete answer within ${req.timeoutMs}ms`, ms: ms() });
    }, req.timeoutMs);
    socket.setNoDelay(true);
    socket.on('connect', () => socket.end(req.word, 'latin1'));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) finish(answer());
    });
    socket.on('end', () => finish(answer()));
    socket.on('close', () => finish(answer()));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server closes right after writing; a reset that arrives after the answer still leaves a good answer.
      if (size > 0) return finish(answer());
      finish({ kind: 'failed', reason: failureFor(error.code), detail: `${req.word}: ${error.code ?? error.message}`, ms: ms() });
    });
  });
