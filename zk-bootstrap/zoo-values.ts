// Values zk-bootstrap writes into zoo.cfg verbatim. Pure. Stricter than common/values.ts because of how ZooKeeper
// reads the file: java.util.Properties as ISO-8859-1, where a backslash escapes or continues a line and a control
// byte or a non-ASCII character is not what was written, and a space ends a server line's token.
import { absolutePathProblem } from '../common/values.ts';

const PROPERTY_SAFE = /^[\x21-\x5b\x5d-\x7e]*$/;

/** A value that reaches a zoo.cfg line unchanged: printable ASCII, no space, no backslash. */
export const isPropertySafe = (text: string): boolean => PROPERTY_SAFE.test(text);

/** An absolute path (common/values.ts) that is also one property-safe token of a zoo.cfg line. */
export const isAbsolutePath = (text: string): boolean => absolutePathProblem(text) === undefined && isPropertySafe(text);
