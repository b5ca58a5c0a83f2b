// Paths and free-text values every agent takes before they reach a config file, an argv or a log line
// (hostile-input issue 8: an empty path resolved to / and config was written there; a newline in a value added a
// line). Pure. Stricter, format-specific rules stay with the agent whose file needs them (zk-bootstrap's zoo.cfg).

/** Linux PATH_MAX: no longer path can be opened anyway. */
export const MAX_PATH = 4096;

const CONTROL = /[\u0000-\u001f\u007f]/;

// Why `text` is not an absolute path an agent may write under or read from, or undefined. An empty path would
// resolve to the working directory or, joined, to the filesystem root (issue 8: config written under /).
export const absolutePathProblem = (text: string): string | undefined => {
  if (text === '') return 'is empty; expected an absolute path';
  if (!text.startsWith('/')) return 'is relative; expected an absolute path (the working directory of a container is no place for data)';
  if (text.length > MAX_PATH) return `is longer than ${MAX_PATH} characters`;
  if (CONTROL.test(text)) return 'contains control characters';
  return undefined;
};

// Free text that ends up as a property value or in a log line (broker.rack, the cluster id seed).
export const plainTextProblem = (text: string, max: number): string | undefined => {
  if (text.length > max) return `is longer than ${max} characters`;
  return CONTROL.test(text) ? 'contains control characters' : undefined;
};
