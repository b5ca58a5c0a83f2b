// Who this pod is: hostname, ordinal, namespace, cluster domain and the member-list entries that mean "me".
import { detectClusterDomain } from '../common/cluster-domain.ts';
import { k8sNameProblem, DNS1123_SUBDOMAIN_MAX } from '../common/k8s-names.ts';

export type Identity = {
  /** First label of the hostname (a FQDN hostname, from setHostnameAsFQDN, would otherwise never match). */
  readonly hostname: string;
  readonly ordinal: number | undefined;
  /** '' when not given (possible with -discovery=static). */
  readonly service: string;
  /** '' when unknown (possible with -discovery=a or static). */
  readonly namespace: string;
  readonly clusterDomain: string;
  /** `<hostname>.<service>.<namespace>.svc.<domain>`, the original's myName; '' when a part is unknown. */
  readonly fqdn: string;
  /** Member-list entries that mean this pod, lower case (DNS names compare case-insensitively). */
  readonly selfNames: readonly string[];
  /** Where the cluster domain came from, for the start-up log line. */
  readonly domainSource: 'flag' | 'resolv.conf' | 'none';
};

export type IdentityInputs = {
  readonly kind: 'srv' | 'a' | 'static';
  readonly service: string | undefined;
  readonly namespace: string | undefined;
  readonly domain: string | undefined;
  readonly hostname: string;
  readonly resolvConfPath: string;
  readonly resolvConf: string | undefined;
  readonly addresses: readonly string[];
  readonly peers: readonly string[];
};

const ordinalOf = (hostname: string): number | undefined => {
  const match = /-(0|[1-9]\d{0,8})$/.exec(hostname);
  return match ? Number(match[1]) : undefined;
};

type Place = { namespace: string; clusterDomain: string; source: Identity['domainSource'] };

// Namespace and domain as the original finds them, except that its silent dead ends become problems.
const placeOf = (input: IdentityInputs, problems: string[]): Place => {
  const namespace = input.namespace ?? '';
  const strict = input.kind === 'srv';
  if (input.domain !== undefined) {
    const domain = input.domain.replace(/\.$/, '');
    const bad = k8sNameProblem('-domain (a cluster domain such as cluster.local)', 'subdomain', domain);
    if (bad) problems.push(bad);
    // The original built `.svc.<domain>` here and then waited forever for a name with `..` in it.
    if (strict && namespace === '') problems.push('-domain is set but the namespace is unknown: pass -ns=<namespace> or set POD_NAMESPACE');
    return { namespace, clusterDomain: domain, source: 'flag' };
  }
  if (input.resolvConf === undefined) {
    if (strict)
      problems.push(`cannot read ${input.resolvConfPath} to find the cluster domain: pass -domain=<domain> (e.g. cluster.local) and -ns, or fix -resolv-conf`);
    return { namespace, clusterDomain: '', source: 'none' };
  }
  const found = detectClusterDomain(input.resolvConf, namespace);
  if (found.kind === 'none') {
    const what = found.reason === 'no-search-line' ? 'has no `search` line' : `has no search domain of the form ${namespace || '<namespace>'}.svc.<domain>`;
    if (strict)
      problems.push(
        `${input.resolvConfPath} ${what}, so the cluster domain is unknown: pass -domain=<domain> (e.g. cluster.local)${namespace ? '' : ' and -ns'}`,
      );
    return { namespace, clusterDomain: '', source: 'none' };
  }
  return { namespace: found.namespace, clusterDomain: found.clusterDomain, source: 'resolv.conf' };
};

const selfNamesOf = (input: IdentityInputs, hostname: string, fqdn: string, problems: string[]): string[] => {
  if (input.kind === 'srv') return [fqdn.toLowerCase()];
  if (input.kind === 'a') {
    if (input.addresses.length === 0) problems.push("-discovery=a needs this pod's address: set POD_IP (Downward API status.podIP)");
    return input.addresses.map((a) => a.toLowerCase());
  }
  const mine = input.peers.filter((p) => {
    const lower = p.toLowerCase().replace(/\.$/, '');
    return (fqdn !== '' && lower === fqdn.toLowerCase()) || lower.split('.')[0] === hostname.toLowerCase();
  });
  if (input.peers.length > 0 && mine.length === 0) problems.push(`-peers does not list this pod: no entry is ${fqdn || hostname} or starts with ${hostname}.`);
  return mine.map((p) => p.toLowerCase());
};

// The pod's identity and every problem with it.
export const identity = (input: IdentityInputs): { identity: Identity; problems: string[] } => {
  const problems: string[] = [];
  // A pod's hostname is a DNS-1123 label; a FQDN one (setHostnameAsFQDN) is a subdomain whose first label counts.
  const fullHostname = input.hostname.replace(/\.$/, '');
  const badHostname =
    input.hostname === ''
      ? 'the hostname is empty: pass -hostname=<pod name>'
      : k8sNameProblem('the hostname (-hostname, else the system hostname)', 'subdomain', fullHostname);
  if (badHostname) problems.push(badHostname);
  const hostname = badHostname ? '' : (fullHostname.split('.')[0] as string);
  const service = input.service ?? '';
  const badService = service === '' ? undefined : k8sNameProblem('-service (a Service name)', 'label', service);
  if (badService) problems.push(badService);
  const place = placeOf(input, problems);
  const badNamespace = place.namespace === '' ? undefined : k8sNameProblem('-ns (env POD_NAMESPACE, a namespace name)', 'label', place.namespace);
  if (badNamespace) problems.push(badNamespace);
  const complete = hostname !== '' && service !== '' && !badService && place.namespace !== '' && !badNamespace && place.clusterDomain !== '';
  const fqdn = complete ? `${hostname}.${service}.${place.namespace}.svc.${place.clusterDomain}` : '';
  // Every part valid and the whole too long: no DNS answer can ever name this pod, so waiting would be forever.
  if (fqdn.length > DNS1123_SUBDOMAIN_MAX)
    problems.push(`this pod's name ${fqdn.slice(0, 40)}… is ${fqdn.length} characters, more than DNS allows (${DNS1123_SUBDOMAIN_MAX}): use shorter names`);
  const selfNames = selfNamesOf(input, hostname, fqdn, problems);
  return {
    identity: {
      hostname,
      ordinal: ordinalOf(hostname),
      service,
      namespace: place.namespace,
      clusterDomain: place.clusterDomain,
      fqdn,
      selfNames,
      domainSource: place.source,
    },
    problems,
  };
};
