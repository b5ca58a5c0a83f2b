// The shapes zk-bootstrap and zk-probe accept for names, addresses and paths before any of them reaches zoo.cfg, a
// `server.N=<addr>:<q>:<e>:<role>;<client>` line, a `host:port,host:port` connect string or a log line (hostile-input
// issues 8 and 13: a newline in an address wrote an extra server line, `:` or `,` in a peer name changed lines and
// connect strings). Pure. isHostName is the minimal RFC 1123 check these agents need until common/hostname.ts has
// its DNS-1123 validators; the lead may fold it into them.

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A host name (letters, digits, hyphens; labels of 1-63, at most 253 in all) or a dotted IPv4 address. */
export const isHostName = (text: string): boolean => text.length > 0 && text.length <= 253 && text.split('.').every((label) => LABEL.test(label));

/** isHostName, or an IPv6 address in brackets as ZooKeeper's server lines write it (`[fd00::1]`). */
export const isHostAddress = (text: string): boolean => isHostName(text) || (/^\[[0-9A-Fa-f:.]{2,45}\]$/.test(text) && text.includes(':'));

// zoo.cfg is read by java.util.Properties as ISO-8859-1: a backslash escapes or continues a line, a control byte
// or a non-ASCII character is not what was written. Values zk-bootstrap writes are printable ASCII without those.
const PROPERTY_SAFE = /^[\x21-\x5b\x5d-\x7e]*$/;

/** A value that reaches a zoo.cfg line unchanged: printable ASCII, no space, no backslash. */
export const isPropertySafe = (text: string): boolean => PROPERTY_SAFE.test(text);

/** An absolute path that is one token of a zoo.cfg line (and so never the empty path that resolves to `/`). */
export const isAbsolutePath = (text: string): boolean => text.startsWith('/') && text.length <= 4096 && isPropertySafe(text);

/** `text` with every character outside printable ASCII escaped (`\u000a`), cut at `max` characters. */
export const printable = (text: string, max: number): string => {
  const escaped = text.slice(0, max).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length <= max ? escaped : `${escaped}... (${text.length} characters)`;
};

/**
 * A rejected value for a message: at most `max` characters, quoted, every byte outside printable ASCII escaped,
 * and the full length when cut. An error line never echoes a 50 MB input or a raw control byte.
 */
export const excerpt = (text: string, max = 48): string => {
  const quoted = printable(JSON.stringify(text.slice(0, max)), Infinity);
  return text.length <= max ? quoted : `${quoted}... (${text.length} characters)`;
};
