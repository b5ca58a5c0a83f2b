// Shapes the entrypoint's paths and free-text values must have before they reach server.properties, argv or a log
// line (names are checked with common/k8s-names.ts). Pure.

/** Linux PATH_MAX: no longer path can be opened anyway. */
const MAX_PATH = 4096;

// Why `text` is not an absolute path the entrypoint may write under or read from, or undefined. An empty path would
// resolve to the working directory or, joined, to the filesystem root (issue 8: config written under /).
export const absolutePathProblem = (text: string): string | undefined => {
  if (text === '') return 'is empty; expected an absolute path';
  if (!text.startsWith('/')) return 'is relative; expected an absolute path (the working directory of a container is no place for data)';
  if (text.length > MAX_PATH) return `is longer than ${MAX_PATH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(text)) return 'contains control characters';
  return undefined;
};

// The java to run: a bare command name (looked up on PATH) or an absolute path.
export const executableProblem = (text: string): string | undefined =>
  /^[A-Za-z0-9._+-]+$/.test(text) ? undefined : absolutePathProblem(text);

// Free text that ends up as a property value or in a log line (broker.rack, the cluster id seed).
export const plainTextProblem = (text: string, max: number): string | undefined => {
  if (text.length > max) return `is longer than ${max} characters`;
  return /[\u0000-\u001f\u007f]/.test(text) ? 'contains control characters' : undefined;
};
