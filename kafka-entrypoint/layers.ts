// The user's property layers, lowest to highest: mounted file, KAFKA_* env, --override. Each value remembers
// where it came from, so the effective-config printout and every error can name the input to change.
import { excerpt } from '../common/log.ts';

export type Source = 'default' | 'derived' | `file ${string}` | `env ${string}` | '--override';

export type Layered = { readonly props: ReadonlyMap<string, string>; readonly sources: ReadonlyMap<string, Source> };

export const emptyLayered: Layered = { props: new Map(), sources: new Map() };

// Put `upper` over `lower`; a key in `upper` wins.
export const overlay = (lower: Layered, upper: Layered): Layered => {
  const props = new Map(lower.props);
  const sources = new Map(lower.sources);
  for (const [key, value] of upper.props) {
    props.set(key, value);
    sources.set(key, upper.sources.get(key) as Source);
  }
  return { props, sources };
};

export const layerOf = (props: ReadonlyMap<string, string>, source: (key: string) => Source): Layered => ({
  props,
  sources: new Map([...props.keys()].map((k) => [k, source(k)])),
});

// The seed ran `--override broker.id=${HOSTNAME##*-}` through a shell; when a manifest passes that text without a
// shell, the entrypoint expands it the same way, so the seed's override list works verbatim either way.
const SEED_ORDINAL = '${HOSTNAME##*-}';

export type ParsedOverrides = { readonly layer: Layered; readonly problems: readonly string[] };

// `--override key=value` arguments as kafka-server-start.sh takes them.
export const overridesLayer = (overrides: readonly string[], ordinal: number | undefined): ParsedOverrides => {
  const props = new Map<string, string>();
  const problems: string[] = [];
  for (const item of overrides) {
    const eq = item.indexOf('=');
    const key = eq === -1 ? '' : item.slice(0, eq).trim();
    if (!/^[A-Za-z0-9._-]+$/.test(key)) {
      problems.push(`--override ${excerpt(item)}: expected key=value, e.g. --override log.retention.hours=168`);
      continue;
    }
    const raw = item.slice(eq + 1);
    props.set(key, ordinal === undefined ? raw : raw.replaceAll(SEED_ORDINAL, String(ordinal)));
  }
  return { layer: layerOf(props, () => '--override'), problems };
};
