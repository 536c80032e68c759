// Kubernetes label selectors as written in `?labelSelector=` and `kubectl -l`: `k=v`, `k==v`,
// `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k` (exists) and `!k` (does not exist), comma-separated,
// all of which must hold. `!=` and `notin` also match objects without the label, as in Kubernetes.
import { fail, ok, type Result } from '../../config/errors.js';

export type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'doesnotexist' };

export type LabelSelector = LabelRequirement[];

const KEY_RE = /^(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE_RE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Parses a selector; the empty string selects everything. */
export function parseLabelSelector(text: string): Result<LabelSelector> {
  const out: LabelSelector = [];
  for (const part of splitRequirements(text)) {
    const req = parseRequirement(part.trim());
    if (typeof req === 'string') return fail([{ path: 'labelSelector', message: `unable to parse requirement "${part.trim()}": ${req}` }]);
    out.push(req);
  }
  return ok(out);
}

export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case 'exists': return has;
      case 'doesnotexist': return !has;
      case 'in': return has && r.values.includes(l[r.key]!);
      case 'notin': return !has || !r.values.includes(l[r.key]!);
    }
  });
}

// Commas separate requirements except inside the parentheses of a set.
function splitRequirements(text: string): string[] {
  if (text.trim() === '') return [];
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseRequirement(part: string): LabelRequirement | string {
  if (part === '') return 'empty requirement';
  if (part.startsWith('!')) {
    const key = part.slice(1).trim();
    return checkKey(key) ?? { key, op: 'doesnotexist' };
  }
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (set) {
    const key = set[1]!;
    const values = set[3]!.split(',').map((v) => v.trim());
    const bad = values.find((v) => !VALUE_RE.test(v));
    if (bad !== undefined) return `invalid label value "${bad}"`;
    return checkKey(key) ?? { key, op: set[2] as 'in' | 'notin', values };
  }
  const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
  if (eq) {
    const key = eq[1]!;
    const value = eq[3]!.trim();
    if (!VALUE_RE.test(value)) return `invalid label value "${value}"`;
    return checkKey(key) ?? { key, op: eq[2] === '!=' ? 'notin' : 'in', values: [value] };
  }
  return checkKey(part) ?? { key: part, op: 'exists' };
}

function checkKey(key: string): string | undefined {
  return KEY_RE.test(key) ? undefined : `invalid label key "${key}": expected an optional DNS prefix and a name of alphanumerics, "-", "_" or "."`;
}
