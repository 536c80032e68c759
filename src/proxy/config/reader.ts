// Reads one Envoy proto3-JSON message with field-path errors. Every compile step goes through a
// MessageReader so that a field the proxy does not know is an error naming its path (the ADS client
// NACKs with it) rather than a silently ignored setting. Fields are looked up by their proto name
// (snake_case); lowerCamelCase spellings are accepted as proto3 JSON parsers do.

export interface FieldError {
  path: string;
  message: string;
}

/** Collects errors for one resource; `fail` records and returns undefined for terse call sites. */
export class ErrorSink {
  readonly errors: FieldError[] = [];
  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }
  get count(): number {
    return this.errors.length;
  }
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

function snakeCase(key: string): string {
  if (!/[A-Z]/.test(key)) return key;
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface MessageSpec {
  /** Fields this compile step reads. */
  fields: readonly string[];
  /**
   * Fields accepted without effect, each with the reason it is safe to ignore (kept next to the
   * name so the list stays honest).
   */
  ignored?: Readonly<Record<string, string>>;
}

const DURATION_RE = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/;

export class MessageReader {
  private readonly values = new Map<string, unknown>();

  private constructor(readonly path: string, readonly sink: ErrorSink) {}

  /** Undefined (with an error recorded) when `value` is not an object. */
  static of(value: unknown, path: string, sink: ErrorSink, spec: MessageSpec): MessageReader | undefined {
    if (!isObject(value)) {
      sink.add(path, `expected an object, got ${describe(value)}`);
      return undefined;
    }
    const r = new MessageReader(path, sink);
    const known = new Set(spec.fields);
    for (const [rawKey, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      const key = rawKey === '@type' ? rawKey : snakeCase(rawKey);
      if (known.has(key)) r.values.set(key, v);
      else if (!spec.ignored || !(key in spec.ignored)) {
        sink.add(childPath(path, key), 'field is not supported by the Skiff proxy');
      }
    }
    return r;
  }

  at(key: string): string {
    return childPath(this.path, key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  raw(key: string): unknown {
    return this.values.get(key);
  }

  error(key: string, message: string): undefined {
    this.sink.add(key === '' ? this.path : this.at(key), message);
    return undefined;
  }

  /** The set members of a proto oneof; an error when more than one is set. */
  oneof(keys: readonly string[], required: boolean): string | undefined {
    const set = keys.filter((k) => this.values.has(k));
    if (set.length > 1) return this.error('', `only one of ${set.join(', ')} may be set`);
    if (set.length === 0) {
      if (required) this.error('', `one of ${keys.join(', ')} is required`);
      return undefined;
    }
    return set[0];
  }

  string(key: string, opts: { required?: boolean; nonEmpty?: boolean } = {}): string | undefined {
    const v = this.values.get(key);
    if (v === undefined) {
      if (opts.required) this.error(key, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') return this.error(key, `expected a string, got ${describe(v)}`);
    if ((opts.required || opts.nonEmpty) && v === '') return this.error(key, 'must not be empty');
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.values.get(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') {
      this.error(key, `expected a boolean, got ${describe(v)}`);
      return fallback;
    }
    return v;
  }

  /** Integers of any width; 64-bit ones arrive as strings in proto3 JSON. */
  int(key: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.values.get(key);
    if (v === undefined) return fallback;
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      this.error(key, `expected an integer, got ${describe(v)}`);
      return fallback;
    }
    if (n < min || n > max) {
      this.error(key, `must be between ${min} and ${max}, got ${n}`);
      return fallback;
    }
    return n;
  }

  number(key: string, fallback: number): number {
    const v = this.values.get(key);
    if (v === undefined) return fallback;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      this.error(key, `expected a number, got ${describe(v)}`);
      return fallback;
    }
    return n;
  }

  /** A google.protobuf.Duration ("1.5s") in milliseconds; undefined when absent or invalid. */
  durationMs(key: string): number | undefined {
    const v = this.values.get(key);
    if (v === undefined) return undefined;
    const ms = parseDurationMs(v);
    if (ms === undefined) return this.error(key, `expected a duration such as "1.5s", got ${describe(v)}`);
    if (ms < 0) return this.error(key, 'must not be negative');
    return ms;
  }

  enumValue<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const v = this.values.get(key);
    if (v === undefined) return fallback;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < allowed.length) return allowed[v]!;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.error(key, `expected one of ${allowed.join(', ')}, got ${describe(v)}`);
      return fallback;
    }
    return v as T;
  }

  message(key: string, spec: MessageSpec): MessageReader | undefined {
    const v = this.values.get(key);
    if (v === undefined) return undefined;
    return MessageReader.of(v, this.at(key), this.sink, spec);
  }

  /** Each element with its path; an error when the field is not an array. */
  list(key: string): { value: unknown; path: string }[] {
    const v = this.values.get(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.error(key, `expected a list, got ${describe(v)}`);
      return [];
    }
    return v.map((value, i) => ({ value, path: childPath(this.at(key), i) }));
  }

  stringList(key: string): string[] {
    const out: string[] = [];
    for (const { value, path } of this.list(key)) {
      if (typeof value === 'string') out.push(value);
      else this.sink.add(path, `expected a string, got ${describe(value)}`);
    }
    return out;
  }

  /** A proto map<string, V>: entries with their paths. */
  map(key: string): { key: string; value: unknown; path: string }[] {
    const v = this.values.get(key);
    if (v === undefined) return [];
    if (!isObject(v)) {
      this.error(key, `expected an object, got ${describe(v)}`);
      return [];
    }
    return Object.entries(v).map(([k, value]) => ({ key: k, value, path: `${this.at(key)}["${k}"]` }));
  }
}

export function parseDurationMs(v: unknown): number | undefined {
  if (typeof v === 'string') {
    const m = DURATION_RE.exec(v);
    if (!m) return undefined;
    const frac = m[3] ? Number(`0.${m[3]}`) : 0;
    const ms = (Number(m[2]) + frac) * 1000;
    return m[1] ? -ms : ms;
  }
  // protobufjs objects (seconds/nanos) when a resource did not pass through the JSON codec.
  if (isObject(v) && ('seconds' in v || 'nanos' in v)) {
    const s = Number(v.seconds ?? 0);
    const n = Number(v.nanos ?? 0);
    if (!Number.isFinite(s) || !Number.isFinite(n)) return undefined;
    return s * 1000 + n / 1e6;
  }
  return undefined;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** Reads the `@type` of a google.protobuf.Any and strips the type.googleapis.com/ prefix. */
export function anyTypeName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const t = value['@type'];
  if (typeof t !== 'string') return undefined;
  const slash = t.lastIndexOf('/');
  return slash < 0 ? t : t.slice(slash + 1);
}
