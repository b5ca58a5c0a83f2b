// Shapes the entrypoint's inputs must have before they reach server.properties, the voters list or a log line:
// Kubernetes object names (a name Kubernetes would never produce is a typo or an attack, never a host to dial),
// absolute paths, and a short escaped excerpt for error lines. Pure.
//
// The DNS-1123 checks are a minimal copy of what common/hostname.ts is getting (to be merged there).

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** An input echoed in an error line: escaped (one line, no control bytes) and at most `max` characters of it. */
export const excerpt = (text: string, max = 60): string =>
  text.length > max ? `${JSON.stringify(text.slice(0, max))}... (${text.length} chars)` : JSON.stringify(text);

// Why `text` is not a DNS-1123 label (namespaces, StatefulSet pod names), or undefined.
export const dns1123LabelProblem = (text: string): string | undefined => {
  if (text.length === 0 || text.length > 63) return 'must be 1 to 63 characters';
  return DNS1123_LABEL.test(text) ? undefined : 'must be lower-case letters, digits and "-", starting and ending with a letter or digit (DNS-1123 label)';
};

// Why `text` is not a DNS-1035 label (Service names), or undefined.
export const dns1035LabelProblem = (text: string): string | undefined => {
  if (text.length === 0 || text.length > 63) return 'must be 1 to 63 characters';
  return DNS1035_LABEL.test(text) ? undefined : 'must be lower-case letters, digits and "-", starting with a letter and ending with a letter or digit (DNS-1035 label, as Service names are)';
};

// Why `text` is not a DNS-1123 subdomain (the cluster domain), or undefined.
export const dns1123SubdomainProblem = (text: string): string | undefined => {
  if (text.length === 0 || text.length > 253) return 'must be 1 to 253 characters';
  return text.split('.').every((label) => label.length <= 63 && DNS1123_LABEL.test(label))
    ? undefined
    : 'must be dot-separated DNS-1123 labels (lower-case letters, digits and "-"), e.g. cluster.local';
};

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
