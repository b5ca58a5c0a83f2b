// Polls with a deadline: tests wait for events, never for fixed sleeps.
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export type WaitOptions = { readonly timeoutMs?: number; readonly intervalMs?: number };

// Resolve with the first truthy value of `probe`; reject naming `what` when the deadline passes.
export const waitFor = async <T>(what: string | (() => string), probe: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> => {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}${detail}`);
    }
    await delay(options.intervalMs ?? 100);
  }
};
