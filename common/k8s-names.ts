// Names as Kubernetes validates them (apimachinery IsDNS1123Label / IsDNS1123Subdomain): a Service, namespace or
// pod hostname that Kubernetes would never produce (empty, 64 characters, `Kaf_ka`, a newline) is a usage error at
// the input gate, not an FQDN with an empty label that an agent then waits for forever.
import { excerpt } from './log.ts';

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** What is wrong with `value` as a DNS-1123 label (Service, namespace, pod hostname), or undefined when nothing. */
export const dns1123LabelProblem = (value: string): string | undefined => {
  if (value === '') return 'must not be empty';
  if (value.length > DNS1123_LABEL_MAX) return `must be at most ${DNS1123_LABEL_MAX} characters (got ${value.length})`;
  if (!LABEL.test(value)) return "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
  return undefined;
};

/** What is wrong with `value` as a DNS-1123 subdomain (a cluster domain, a FQDN hostname), or undefined. */
export const dns1123SubdomainProblem = (value: string): string | undefined => {
  if (value === '') return 'must not be empty';
  if (value.length > DNS1123_SUBDOMAIN_MAX) return `must be at most ${DNS1123_SUBDOMAIN_MAX} characters (got ${value.length})`;
  for (const label of value.split('.')) {
    if (label.length > DNS1123_LABEL_MAX || !LABEL.test(label)) {
      return "must be a DNS-1123 subdomain: dot-separated labels of at most 63 lower-case letters, digits and '-', each starting and ending with a letter or digit";
    }
  }
  return undefined;
};

// An RFC 1123 host name (letters, digits, '-'; labels of 1-63, at most 253 in all) or a dotted IPv4 address: the
// DNS-1123 subdomain rule in any case, since DNS compares names case-insensitively and ZooKeeper and peer lists may
// spell them in upper case. Not Go's isDomainName (common/dns-names.ts), which admits `_` labels (SRV owner names)
// and refuses all-numeric names, so it cannot pass the IPv4 addresses that ZooKeeper server lines hold.
export const isHostName = (text: string): boolean => dns1123SubdomainProblem(text.toLowerCase()) === undefined;

export type K8sNameKind = 'label' | 'subdomain';

/** One usage line for a bad name, naming the input and quoting a short escaped excerpt; undefined when valid. */
export const k8sNameProblem = (input: string, kind: K8sNameKind, value: string): string | undefined => {
  const problem = kind === 'label' ? dns1123LabelProblem(value) : dns1123SubdomainProblem(value);
  return problem === undefined ? undefined : `${input} ${problem}, got ${excerpt(value)}`;
};
