// Header manipulation (VirtualService `headers`) and header-name rules shared by matches and CORS.
import { z } from 'zod';
import { issue, list, map, str, strict } from './fields.js';

const TOKEN_RE = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
const JWT_CLAIM_RE = /^@request\.auth\.claims(?:\.[^.].*|\[.+\])$/;
// Control characters other than horizontal tab cannot appear in a header value.
const CONTROL_RE = /[\u0000-\u0008\u000A-\u001F\u007F]/;

export function isJwtClaimHeader(name: string): boolean {
  return JWT_CLAIM_RE.test(name);
}

/**
 * A header name in a route match: a lowercase HTTP token (Istio's API requires lowercase, since
 * Envoy compares lowercased names), a pseudo-header, or a `@request.auth.claims.<claim>` key.
 */
export function matchHeaderNameProblem(name: string): string | undefined {
  if (name === '') return 'header name must not be empty';
  if (isJwtClaimHeader(name) || PSEUDO_HEADERS.has(name)) return undefined;
  if (!TOKEN_RE.test(name)) return `"${name}" is not a valid header name`;
  if (name !== name.toLowerCase()) return `header name "${name}" must be lowercase ("${name.toLowerCase()}")`;
  return undefined;
}

/** CORS allow/expose header names: an HTTP token or `*`. */
export function corsHeaderNameProblem(name: string): string | undefined {
  if (name === '') return 'header name must not be empty';
  if (name === '*' || TOKEN_RE.test(name)) return undefined;
  return `"${name}" is not a valid header name`;
}

function isInternal(name: string): boolean {
  return name.startsWith(':') || name.toLowerCase() === 'host';
}

function isAuthority(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === ':authority' || lower === 'host';
}

/**
 * Envoy's header value formatter: `%%` is a literal percent, `%VAR%` and `%VAR(args)%` are
 * substitutions. An unterminated `%` makes Envoy reject the whole route table.
 */
export function headerValueProblem(value: string): string | undefined {
  if (CONTROL_RE.test(value)) return 'header value must not contain control characters';
  type State = 'literal' | 'name' | 'array' | 'string' | 'inString' | 'delim' | 'argsEnd' | 'varEnd';
  let state: State = 'literal';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    switch (state) {
      case 'literal':
        if (ch !== '%') break;
        if (i + 1 >= value.length) return 'header value has an unescaped "%": write "%%" for a literal percent sign';
        if (value[i + 1] === '%') i++;
        else state = 'name';
        break;
      case 'name':
        if (ch === '%') state = 'literal';
        else if (ch === '(') state = 'array';
        break;
      case 'array':
        if (ch === '[') state = 'string';
        else if (ch !== ' ') state = 'inString';
        break;
      case 'string':
        if (ch === '"') state = 'inString';
        else if (ch !== ' ') return 'header value has a malformed %VAR(...)% expression: expected \'"\'';
        break;
      case 'inString':
        if (ch === '\\') {
          if (i + 1 >= value.length) return 'header value has an unterminated backslash escape';
          i++;
        } else if (ch === ')') state = 'varEnd';
        else if (ch === '"') state = 'delim';
        break;
      case 'delim':
        if (ch === ',') state = 'string';
        else if (ch === ']') state = 'argsEnd';
        else if (ch !== ' ') return 'header value has a malformed %VAR(...)% expression: expected "," or "]"';
        break;
      case 'argsEnd':
        if (ch === ')') state = 'varEnd';
        else if (ch !== ' ') return 'header value has a malformed %VAR(...)% expression: expected ")"';
        break;
      case 'varEnd':
        if (ch === '%') state = 'literal';
        else if (ch !== ' ') return 'header value has a malformed %VAR(...)% expression: expected a closing "%"';
        break;
    }
  }
  if (state !== 'literal') return `header value "${value}" has an unterminated %VAR% expression: write "%%" for a literal percent sign`;
  return undefined;
}

const headerOperations = strict({
  set: map(str).optional(),
  add: map(str).optional(),
  remove: list(str).optional(),
});
export type HeaderOperations = z.infer<typeof headerOperations>;

/**
 * Istio's rules: requests may set or add `:authority`/`host` (an authority rewrite) but no other
 * pseudo-header; responses may not touch `host` or any pseudo-header; nothing may remove them.
 */
export const headers = strict({
  request: headerOperations.optional(),
  response: headerOperations.optional(),
}).superRefine((h, ctx) => {
  for (const side of ['request', 'response'] as const) {
    const ops = h[side];
    if (!ops) continue;
    for (const op of ['set', 'add'] as const) {
      for (const [name, value] of Object.entries(ops[op] ?? {})) {
        const path = [side, op, name];
        if (name === '') issue(ctx, path, 'header name must not be empty');
        else if (side === 'request' && isInternal(name) && !isAuthority(name)) issue(ctx, path, `cannot ${op} header "${name}": headers starting with ":" are managed by the proxy`);
        else if (side === 'response' && isInternal(name)) issue(ctx, path, `cannot ${op} response header "${name}"`);
        const problem = headerValueProblem(value);
        if (problem) issue(ctx, path, problem);
      }
    }
    (ops.remove ?? []).forEach((name, i) => {
      if (name === '') issue(ctx, [side, 'remove', i], 'header name must not be empty');
      else if (isInternal(name)) issue(ctx, [side, 'remove', i], `cannot remove header "${name}"`);
    });
  }
});
export type Headers = z.infer<typeof headers>;

/** The authority a route's headers set (`:authority` or `host`), to check it is set only once. */
export function authorityHeaderValues(h: Headers | undefined): string[] {
  const out: string[] = [];
  for (const op of ['set', 'add'] as const) {
    for (const [name, value] of Object.entries(h?.request?.[op] ?? {})) if (isAuthority(name)) out.push(value);
  }
  return out;
}
