// Reads YAML or JSON text (one or many documents, `List` kinds included) into resources that
// remember where each field was written, so a validation error can name its line and column.
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isPair, type Document, type Node } from 'yaml';
import type { ConfigError } from './errors.js';
import type { Resource } from './resource.js';

export interface Position {
  line: number;
  column: number;
}

/** One resource read from a file, with a way back from a field path to its place in the text. */
export interface LoadedResource {
  resource: Resource;
  file?: string;
  /** 0-based index of the YAML document within the file. */
  document: number;
  /** Where `path` (relative to this resource) was written; the nearest existing ancestor otherwise. */
  positionOf(path: readonly (string | number)[]): Position | undefined;
}

export interface LoadResult {
  resources: LoadedResource[];
  errors: ConfigError[];
}

/** Parses every document of `text`. Syntax errors are reported per document; good documents still load. */
export function loadYaml(text: string, file?: string): LoadResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const resources: LoadedResource[] = [];
  const errors: ConfigError[] = [];
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) {
    // An empty stream comes back as an EmptyStream object: nothing to load.
    return { resources, errors };
  }
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const pos = lineCounter.linePos(err.pos[0]);
        errors.push({ file, document: index, line: pos.line, column: pos.col, path: '', message: yamlMessage(err.message) });
      }
      return;
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) return; // an empty document, e.g. a trailing `---`
    const position = (node: Node | null | undefined) => positionIn(node, lineCounter);
    if (!isPlainObject(value)) {
      errors.push({ file, document: index, ...position(doc.contents as Node), path: '', message: 'expected a resource (a mapping with apiVersion, kind and metadata)' });
      return;
    }
    const kind = value.kind;
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item: unknown, i: number) => {
        if (!isPlainObject(item)) {
          errors.push({ file, document: index, ...position(nodeAt(doc, ['items', i]).node), path: `items[${i}]`, message: 'expected a resource (a mapping with apiVersion, kind and metadata)' });
          return;
        }
        resources.push({ resource: item as Resource, file, document: index, positionOf: (p) => positionOfPath(doc, ['items', i, ...p], lineCounter) });
      });
      return;
    }
    resources.push({ resource: value as Resource, file, document: index, positionOf: (p) => positionOfPath(doc, p, lineCounter) });
  });
  return { resources, errors };
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function yamlMessage(message: string): string {
  // The yaml package appends "at line L, column C" plus a code excerpt; we report the position ourselves.
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').replace(/\s+$/, '');
}

function positionIn(node: Node | null | undefined, lc: LineCounter): Partial<Position> {
  if (!node || !node.range) return {};
  const p = lc.linePos(node.range[0]);
  return { line: p.line, column: p.col };
}

/**
 * Walks the YAML tree along `path`. For a mapping key the key's own node is kept, because users
 * read `weight: 120` and expect the error at `weight`.
 */
function nodeAt(doc: Document, path: readonly (string | number)[]): { node: Node | null; complete: boolean } {
  let current: unknown = doc.contents;
  let best: Node | null = (doc.contents as Node) ?? null;
  for (const seg of path) {
    if (isMap(current)) {
      const pair = current.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      // A missing field belongs inside this mapping: point at the mapping's content, where it would go.
      if (!pair) return { node: (current as unknown as Node).range ? (current as unknown as Node) : best, complete: false };
      best = (pair.key as Node) ?? best;
      current = pair.value;
    } else if (isSeq(current) && typeof seg === 'number') {
      const item = current.items[seg];
      if (!item) return { node: best, complete: false };
      best = item as Node;
      current = item;
    } else {
      return { node: best, complete: false };
    }
  }
  return { node: best, complete: true };
}

function positionOfPath(doc: Document, path: readonly (string | number)[], lc: LineCounter): Position | undefined {
  const { node } = nodeAt(doc, path);
  const p = positionIn(node, lc);
  return p.line === undefined ? undefined : { line: p.line, column: p.column! };
}
