// The effective config as printed at start: every key, its value (secrets redacted) and the input it came from,
// so `kubectl logs` answers "where did this setting come from" without leaking passwords.
import type { Layered } from './layers.ts';

// Key shapes that carry secrets: passwords, JAAS configs (which embed passwords), keys and tokens.
const SECRET_KEY = /password|secret|jaas\.config|\.key$|keystore\.key|credential|token|sasl\.oauthbearer\.client/i;

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key);

export const REDACTED = '[redacted]';

export type ConfigLine = { readonly key: string; readonly value: string; readonly source: string };

// One entry per effective property, sorted by key, secrets replaced by [redacted].
export const effectiveConfigLines = (effective: Layered): readonly ConfigLine[] =>
  [...effective.props.keys()].sort().map((key) => ({
    key,
    value: isSecretKey(key) ? REDACTED : (effective.props.get(key) as string),
    source: effective.sources.get(key) ?? 'default',
  }));
