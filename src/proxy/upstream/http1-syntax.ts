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
