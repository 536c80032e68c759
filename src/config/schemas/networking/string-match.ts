// StringMatch (exact | prefix | regex) and the RE2 regex rules Istio applies to it.
import { z } from 'zod';
import { re2Problem } from '../common.js';
import { issue, str, strict } from './fields.js';

/** Envoy caps RE2 program size; Istio approximates it by the pattern's length. */
const MAX_REGEX_LENGTH = 1024;

// Punctuation JavaScript lets a `u`-mode pattern escape; RE2 lets any punctuation be escaped.
const JS_ESCAPABLE = new Set('^$\\.*+?()[]{}|/'.split(''));
const PUNCTUATION = /[!-/:-@[-`{-~]/;

const hex = (ch: string) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;

/**
 * RE2 syntax that JavaScript's RegExp spells differently is rewritten first, so a valid RE2
 * pattern (`(?i)foo`, `\Afoo\z`, `(?P<name>x)`, `\Q.*\E`, `\pL`, `\x{41}`, `a\-b`) is not
 * rejected for JavaScript's sake.
 */
function toJsSyntax(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch !== '\\' || i + 1 >= pattern.length) {
      out += ch;
      continue;
    }
    const next = pattern[i + 1]!;
    const rest = pattern.slice(i + 2);
    if (next === 'Q') {
      const end = rest.indexOf('\\E');
      const literal = end < 0 ? rest : rest.slice(0, end);
      out += [...literal].map((c) => (PUNCTUATION.test(c) ? hex(c) : c)).join('');
      i += 1 + literal.length + (end < 0 ? 0 : 2);
    } else if (next === 'A') {
      out += '^';
      i++;
    } else if (next === 'z') {
      out += '$';
      i++;
    } else if ((next === 'p' || next === 'P') && /^[A-Z]/.test(rest)) {
      out += `\\${next}{${rest[0]}}`;
      i += 2;
    } else if ((next === 'p' || next === 'P') && /^\{\^?\w+\}/.test(rest)) {
      // RE2 names scripts bare (`\p{Greek}`); JavaScript wants `\p{Script=Greek}`.
      const m = /^\{(\^?)(\w+)\}/.exec(rest)!;
      const negate = (m[1] === '^') !== (next === 'P');
      const name = m[2]!.length <= 2 ? m[2]! : `Script=${m[2]}`;
      out += `\\${negate ? 'P' : 'p'}{${name}}`;
      i += 1 + m[0].length;
    } else if (next === 'x' && /^\{[0-9a-fA-F]+\}/.test(rest)) {
      const m = /^\{([0-9a-fA-F]+)\}/.exec(rest)!;
      out += `\\u{${m[1]}}`;
      i += 1 + m[0].length;
    } else if (PUNCTUATION.test(next) && !JS_ESCAPABLE.has(next)) {
      out += hex(next);
      i++;
    } else {
      out += ch + next;
      i++;
    }
  }
  return out
    .replace(/\(\?[imsU]+\)/g, '')
    .replace(/\(\?[imsU]*-?[imsU]*:/g, '(?:')
    .replace(/\(\?P</g, '(?<')
    .replace(/\[\[:(\w+):\]\]/g, '[a-z]')
    .replace(/\[:(\w+):\]/g, 'a-z');
}

/** Why an RE2 pattern would be rejected by Envoy, or undefined. */
export function regexProblem(pattern: string): string | undefined {
  if (pattern === '') return 'regex must not be empty';
  if (pattern.length > MAX_REGEX_LENGTH) return `regex is too long: at most ${MAX_REGEX_LENGTH} characters`;
  const problem = re2Problem(toJsSyntax(pattern));
  return problem ? `${problem} (Istio uses RE2 syntax: https://github.com/google/re2/wiki/Syntax)` : undefined;
}

const MATCH_KINDS = ['exact', 'prefix', 'regex'] as const;

const stringMatchShape = {
  exact: str.optional(),
  prefix: str.optional(),
  regex: str.optional(),
};

function checkStringMatch(m: { exact?: string; prefix?: string; regex?: string }, ctx: z.RefinementCtx, regexExempt?: string): void {
  const given = MATCH_KINDS.filter((k) => m[k] !== undefined);
  if (given.length > 1) issue(ctx, [], `only one of "exact", "prefix" or "regex" may be set (found ${given.map((g) => `"${g}"`).join(' and ')})`);
  if (m.regex !== undefined && m.regex !== regexExempt) {
    const problem = regexProblem(m.regex);
    if (problem) issue(ctx, ['regex'], problem);
  }
}

/** At most one of exact/prefix/regex; an empty StringMatch matches anything, as in Istio's CRD. */
export const stringMatch = strict(stringMatchShape).superRefine((m, ctx) => checkStringMatch(m, ctx));

/** In `withoutHeaders`, `regex: "*"` is not a regex: it means "the header is present". */
export const withoutHeaderMatch = strict(stringMatchShape).superRefine((m, ctx) => checkStringMatch(m, ctx, '*'));
export type StringMatch = z.infer<typeof stringMatch>;

/**
 * Istio's rule for header, method, scheme, authority and query parameter matches: an empty prefix
 * would match everything and Envoy rejects it. A URI match may use an empty prefix.
 */
export function checkNonEmptyPrefix(m: StringMatch | undefined, ctx: z.RefinementCtx, path: readonly (string | number)[]): void {
  if (m?.prefix === '') issue(ctx, [...path, 'prefix'], 'prefix must not be empty');
}
