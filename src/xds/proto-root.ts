// The one protobufjs Root holding Envoy's v3 protos. Loaded lazily on first use, once per process,
// because parsing the .proto files costs a few hundred milliseconds that CLI verbs which never
// touch xDS should not pay.

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
  stats = { loadMillis: performance.now() - started, files: r.files.length };
  root = r;
  return r;
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
