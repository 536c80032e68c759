// The one protobufjs Root holding Envoy's v3 protos. Loaded lazily on first use, once per process,
// because parsing the .proto files costs a few hundred milliseconds that CLI verbs which never
// touch xDS should not pay. Every proxy on ADS holds one, so it is compacted once loaded.

import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import protobuf from 'protobufjs';
import { ENVOY_PROTO_FILES, protoIncludeDirs } from './proto-files.js';

export interface ProtoLoadStats {
  /** Wall time spent parsing and resolving the proto files, in milliseconds. */
  loadMillis: number;
  /** Number of .proto files read (the listed ones and everything they import). */
  files: number;
}

let root: protobuf.Root | undefined;
let stats: ProtoLoadStats | undefined;

function resolveImport(includeDirs: readonly string[], origin: string, target: string): string {
  if (isAbsolute(target)) return target;
  for (const dir of includeDirs) {
    const candidate = join(dir, target);
    if (existsSync(candidate)) return candidate;
  }
  // protobufjs maps google/protobuf/{any,duration,struct,...}.proto to its bundled definitions.
  return target;
}

/** The loaded root; the first call parses the protos. */
export function protoRoot(): protobuf.Root {
  if (root) return root;
  const started = performance.now();
  const includeDirs = protoIncludeDirs();
  const r = new protobuf.Root();
  r.resolvePath = (origin, target) => resolveImport(includeDirs, origin, target);
  r.loadSync(ENVOY_PROTO_FILES.map((f) => resolveImport(includeDirs, '', f)), { keepCase: true });
  r.resolveAll();
  compactRoot(r);
  stats = { loadMillis: performance.now() - started, files: r.files.length };
  root = r;
  return r;
}

/** The options the codec (message-fields.ts) and protobufjs itself read after loading. */
const KEPT_OPTIONS = new Set(['json_name', 'proto3_optional', 'packed', 'default', 'allow_alias', 'features']);

/**
 * Drops what the codec never reads from a loaded root, ~1.2 MB of a proxy's heap: the comments
 * (Envoy's protos are mostly comments), field options other than KEPT_OPTIONS (PGV validation
 * rules, annotations), and the proto files' text. The parser's names are substrings of each file,
 * and V8 keeps a file's whole text alive while any substring of 13+ characters is, so every string
 * is replaced by a fresh copy.
 */
function compactRoot(root: protobuf.Root): void {
  const seen = new Set<object>();
  const copy = (s: string): string => (s.length >= 13 ? (JSON.parse(JSON.stringify(s)) as string) : s);
  const visit = (o: Record<string, unknown>): void => {
    if (seen.has(o)) return;
    seen.add(o);
    if (o instanceof protobuf.ReflectionObject) {
      o.comment = null;
      if (o.options) {
        const kept = Object.entries(o.options).filter(([k]) => KEPT_OPTIONS.has(k));
        o.options = kept.length > 0 ? Object.fromEntries(kept) : undefined;
      }
      (o as { parsedOptions: unknown }).parsedOptions = null;
      if (o instanceof protobuf.Enum) o.comments = {};
    }
    for (const key of Object.keys(o)) {
      const v = o[key];
      if (typeof v === 'string') o[key] = copy(v);
      // Functions (generated constructors) hold nothing from the files; everything else is data.
      else if (v !== null && typeof v === 'object') visit(v as Record<string, unknown>);
    }
  };
  visit(root as unknown as Record<string, unknown>);
}

/** How long the protos took to load, or undefined before they are loaded. */
export function protoLoadStats(): ProtoLoadStats | undefined {
  return stats;
}

const typeCache = new Map<string, protobuf.Type | null>();

/**
 * The message type with this fully-qualified name (`envoy.config.cluster.v3.Cluster`, with or
 * without a leading dot), or undefined when no loaded proto defines it.
 */
export function findMessageType(fullName: string): protobuf.Type | undefined {
  const name = fullName.startsWith('.') ? fullName.slice(1) : fullName;
  let cached = typeCache.get(name);
  if (cached === undefined) {
    const found = protoRoot().lookup(name);
    cached = found instanceof protobuf.Type ? found : null;
    typeCache.set(name, cached);
  }
  return cached ?? undefined;
}
