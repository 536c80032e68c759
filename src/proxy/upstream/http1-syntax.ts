// HTTP/1.1 field syntax, checked by both codecs before a header line is written: a name must be a
// token, a value must not end its line early (no CR, LF or NUL: response splitting). Names repeat
// from request to request (a few dozen distinct ones), so a name that passed is remembered and
// checking it again is a Set lookup instead of a regular expression.

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Characters that would end a header line early. */
export const INVALID_FIELD_VALUE = /[\r\n\0]/;

const knownNames = new Set<string>();
/** Bounds the memory a stream of distinct (valid) names can take. */
const KNOWN_NAMES_LIMIT = 4096;

export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

/** True for a valid field name. */
export function isFieldName(name: string): boolean {
  if (knownNames.has(name)) return true;
  if (!TOKEN.test(name)) return false;
  if (knownNames.size < KNOWN_NAMES_LIMIT) knownNames.add(name);
  return true;
}

/** The hop-by-hop fields (RFC 9110 §7.6.1) a head reader meets, each read or dropped by its codec. */
export const HopByHop = {
  te: 1,
  expect: 2,
  upgrade: 3,
  connection: 4,
  keepAlive: 5,
  http2Settings: 6,
  proxyConnection: 7,
  transferEncoding: 8,
} as const;
export type HopByHopField = (typeof HopByHop)[keyof typeof HopByHop];

/**
 * Which hop-by-hop field a lower-cased name is, or 0 for an end-to-end one. Both codecs call it
 * for every header line, so it compares lengths first: most names are ruled out without a compare.
 */
export function hopByHopField(name: string): HopByHopField | 0 {
  switch (name.length) {
    case 2:
      return name === 'te' ? HopByHop.te : 0;
    case 6:
      return name === 'expect' ? HopByHop.expect : 0;
    case 7:
      return name === 'upgrade' ? HopByHop.upgrade : 0;
    case 10:
      return name === 'connection' ? HopByHop.connection : name === 'keep-alive' ? HopByHop.keepAlive : 0;
    case 14:
      return name === 'http2-settings' ? HopByHop.http2Settings : 0;
    case 16:
      return name === 'proxy-connection' ? HopByHop.proxyConnection : 0;
    case 17:
      return name === 'transfer-encoding' ? HopByHop.transferEncoding : 0;
    default:
      return 0;
  }
}
