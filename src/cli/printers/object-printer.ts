// `-o yaml`, `-o json` and `-o name` as kubectl prints them: keys sorted (Go marshals maps in key
// order), JSON indented by 4 with HTML characters escaped, YAML in go-yaml's style (sequences not
// indented under their key, quotes only where a plain scalar would read as something else).
import { Document, Scalar, parse, visit } from 'yaml';
import type { Resource } from '../../config/resource.js';

/** A List as kubectl prints several objects. */
export function asList(items: readonly Resource[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

export function toJson(value: unknown): string {
  const text = JSON.stringify(sortKeys(value), null, 4);
  // encoding/json escapes these so the output is safe to embed in HTML; kubectl inherits that.
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
}

export function toYaml(value: unknown): string {
  const doc = new Document(sortKeys(value));
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && needsDoubleQuotes(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true });
}

/**
 * go-yaml double-quotes a string whose plain form YAML 1.1 would resolve to another type
 * (`"80"`, `"true"`, `"yes"`, a timestamp, the empty string); other strings that cannot be plain get single quotes.
 */
function needsDoubleQuotes(s: string): boolean {
  if (s === '') return true;
  if (s.includes('\n')) return false;
  try {
    const parsed: unknown = parse(s, { version: '1.1', schema: 'yaml-1.1' });
    return typeof parsed !== 'string';
  } catch {
    return false;
  }
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
