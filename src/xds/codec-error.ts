// Errors from the proto3-JSON codec name the field path inside the resource (as users read it:
// `filter_chains[0].filters[0].typed_config.stat_prefix`) and the message type being converted.

/** A path built as a linked list so that the happy path allocates little and formats nothing. */
export interface FieldPath {
  readonly parent: FieldPath | undefined;
  readonly segment: string | number;
}

export function childPath(parent: FieldPath | undefined, segment: string | number): FieldPath {
  return { parent, segment };
}

export function formatFieldPath(path: FieldPath | undefined): string {
  const segments: (string | number)[] = [];
  for (let p = path; p; p = p.parent) segments.push(p.segment);
  let out = '';
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i]!;
    if (typeof s === 'number') out += `[${s}]`;
    else if (s.includes('.') || s.includes(' ') || s === '') out += `[${JSON.stringify(s)}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

/** How a wrong value reads in an error: `number 7`, `the string "10"`, `an array`. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

export class XdsCodecError extends Error {
  /** Field path inside the converted object, '' for the object itself. */
  readonly path: string;
  /** What was wrong, without the path. */
  readonly detail: string;
  /** Fully-qualified name of the top-level message (e.g. envoy.config.cluster.v3.Cluster), when known. */
  readonly rootType: string | undefined;

  constructor(path: FieldPath | string | undefined, detail: string, rootType?: string) {
    const where = typeof path === 'string' ? path : formatFieldPath(path);
    const prefix = [rootType, where].filter(Boolean).join(' ');
    super(prefix ? `${prefix}: ${detail}` : detail);
    this.name = 'XdsCodecError';
    this.path = where;
    this.detail = detail;
    this.rootType = rootType;
  }

  /** The same error, reported against the top-level message type. */
  withRootType(rootType: string): XdsCodecError {
    return new XdsCodecError(this.path, this.detail, rootType);
  }
}
