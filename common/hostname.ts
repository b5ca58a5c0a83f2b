import { AgentError } from './errors.ts';
import { COMMON_CODES } from './catalogue.ts';

export type PodIdentity = { readonly hostname: string; readonly setName: string; readonly ordinal: number };

// A StatefulSet pod is named `<set>-<ordinal>`; the ordinal is the stable identity (the seed's `${HOSTNAME##*-}`).
// A FQDN hostname (`kafka-2.kafka.default.svc...`) is reduced to its first label first.
export const podIdentityFromHostname = (hostname: string): PodIdentity => {
  const shortName = hostname.trim().split('.')[0] ?? '';
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)-(0|[1-9][0-9]{0,8})$/.exec(shortName);
  if (!match) {
    throw new AgentError(
      COMMON_CODES.HOSTNAME_NO_ORDINAL,
      `hostname ${JSON.stringify(hostname)} has no StatefulSet ordinal (expected <set>-<n>, e.g. zoo-0); run the agent in a StatefulSet pod or set HOSTNAME`,
      { context: { hostname } },
    );
  }
  return { hostname: shortName, setName: match[1] as string, ordinal: Number(match[3]) };
};
