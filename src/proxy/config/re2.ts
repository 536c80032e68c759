// Translates an RE2 pattern (Envoy's safe_regex) into a JavaScript RegExp source. The common
// syntax is shared; RE2-only spellings are rewritten (named groups, \A, \z, \Q..\E, POSIX classes,
// leading flag groups) and constructs RE2 rejects (lookaround, backreferences) are rejected here
// too, because Envoy would NACK them.

export interface TranslatedRegex {
  source: string;
  flags: string;
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Returns the JS translation, or an error message saying what is not valid RE2. */
export function translateRe2(pattern: string): TranslatedRegex | string {
  let flags = '';
  let i = 0;
  // RE2 allows flags anywhere; JS (Node 20) has no inline modifiers, so only leading ones map.
  const lead = /^\(\?([imsU]+)\)/.exec(pattern);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'U') return 'the (?U) ungreedy flag is not supported';
      if (f === 'm') flags += flags.includes('m') ? '' : 'm';
      if (f === 'i') flags += flags.includes('i') ? '' : 'i';
      if (f === 's') flags += flags.includes('s') ? '' : 's';
    }
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) return 'trailing backslash';
      if (n === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? pattern.length : end);
        out += escapeLiteral(literal);
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      if (!inClass && n === 'A') { out += '^'; i += 2; continue; }
      if (!inClass && n === 'z') { out += '$'; i += 2; continue; }
      if (/[1-9]/.test(n) && !inClass) return `backreference \\${n} is not supported by RE2`;
      if (n === 'p' || n === 'P') return 'unicode classes (\\p) are not supported';
      if (n === 'C') return '\\C is not supported';
      out += c + n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        if (end > 0) {
          let name = pattern.slice(i + 2, end);
          const negated = name.startsWith('^');
          if (negated) name = name.slice(1);
          const cls = POSIX_CLASSES[name];
          if (!cls) return `unknown POSIX class [:${name}:]`;
          if (negated) return `negated POSIX class [:^${name}:] is not supported`;
          out += cls;
          i = end + 2;
          continue;
        }
      }
      if (c === ']') inClass = false;
      // JS treats a bare '[' inside a class as a literal too; escape it for clarity.
      out += c === '[' ? '\\[' : c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      // A ']' right after '[' or '[^' is a literal in RE2; JS needs it escaped.
      if (pattern[i] === '^') { out += '^'; i++; }
      if (pattern[i] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith('P<')) { out += '(?<'; i += 4; continue; }
      if (rest.startsWith('<') && !rest.startsWith('<=') && !rest.startsWith('<!')) { out += '(?<'; i += 3; continue; }
      if (rest.startsWith(':')) { out += '(?:'; i += 3; continue; }
      if (/^[=!]|^<[=!]/.test(rest)) return 'lookaround assertions are not supported by RE2';
      return `flag groups such as (?${rest.slice(0, 4)} are only supported at the start of the pattern`;
    }
    out += c;
    i++;
  }
  if (inClass) return 'missing closing ]';
  try {
    new RegExp(out, flags);
  } catch (e) {
    return `invalid regular expression: ${(e as Error).message}`;
  }
  return { source: out, flags };
}

/** A RegExp that must match the whole input, as Envoy's safe_regex matchers do. */
export function compileFullMatch(pattern: string): RegExp | string {
  const t = translateRe2(pattern);
  if (typeof t === 'string') return t;
  return new RegExp(`^(?:${t.source})$`, t.flags);
}

/** A global RegExp for regex_rewrite (every non-overlapping match is substituted). */
export function compileSearch(pattern: string): RegExp | string {
  const t = translateRe2(pattern);
  if (typeof t === 'string') return t;
  return new RegExp(t.source, `${t.flags}g`);
}

/** RE2 substitutions use \1 for groups; JS uses $1 and treats a bare $ specially. */
export function translateSubstitution(sub: string): string {
  let out = '';
  for (let i = 0; i < sub.length; i++) {
    const c = sub[i]!;
    if (c === '$') out += '$$';
    else if (c === '\\' && i + 1 < sub.length) {
      const n = sub[i + 1]!;
      out += /\d/.test(n) ? (n === '0' ? '$&' : `$${n}`) : n;
      i++;
    } else out += c;
  }
  return out;
}
