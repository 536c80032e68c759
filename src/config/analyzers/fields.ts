// Defensive readers for resource fields. Analyzers run on every resource, including ones that
// failed schema validation (IST0106 reports those), so a field may hold anything: a reader returns
// the value when it has the expected shape and undefined otherwise, and an analyzer never throws on
// a malformed document.

export type Json = unknown;

export function record(v: Json): Record<string, Json> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, Json>) : undefined;
}

export function list(v: Json): Json[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: Json): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: Json): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A string list; non-string items are skipped. */
export function strings(v: Json): string[] {
  return list(v).filter((x): x is string => typeof x === 'string');
}

/** A `key: value` map of strings (labels, selectors); non-string values are skipped. */
export function stringMap(v: Json): Record<string, string> {
  const out: Record<string, string> = {};
  const r = record(v);
  if (!r) return out;
  for (const [k, val] of Object.entries(r)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Follows a path of keys and indexes; undefined as soon as a step does not exist. */
export function at(v: Json, ...path: (string | number)[]): Json {
  let cur: Json = v;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      const r = record(cur);
      if (!r) return undefined;
      cur = r[seg];
    }
  }
  return cur;
}

/** Kubernetes label selection: every selector entry must be present with the same value. */
export function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

/** `k1=v1,k2=v2` with keys sorted, as Kubernetes prints a selector built from a label set. */
export function selectorString(selector: Record<string, string>): string {
  return Object.keys(selector).sort().map((k) => `${k}=${selector[k]}`).join(',');
}
