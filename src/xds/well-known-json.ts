// The google.protobuf well-known types whose proto3 JSON form is not an object of their fields:
// Duration ("0.250s"), Timestamp (RFC 3339), Struct/Value/ListValue (plain JSON), the wrappers
// (the bare scalar) and FieldMask ("a.b,fooBar"). Any is handled by the walkers since it recurses.

import protobuf from 'protobufjs';
import { childPath, describeJson, type FieldPath, XdsCodecError } from './codec-error.js';
import type { JsonObject, JsonValue } from './json-types.js';
import { fieldById, lowerCamelCase, nameOf } from './message-fields.js';
import { isDefaultScalar, scalarFromJson, scalarToJson } from './scalar-json.js';

/** Wrapper message → the scalar type it wraps. */
const WRAPPERS: Record<string, string> = {
  '.google.protobuf.DoubleValue': 'double',
  '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.BoolValue': 'bool',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'bytes',
};

const SPECIAL = new Set([
  ...Object.keys(WRAPPERS),
  '.google.protobuf.Duration',
  '.google.protobuf.Timestamp',
  '.google.protobuf.Struct',
  '.google.protobuf.Value',
  '.google.protobuf.ListValue',
  '.google.protobuf.FieldMask',
]);

/** Whether this message type has a JSON form other than an object of its fields (Any aside). */
export function hasSpecialJson(type: protobuf.Type): boolean {
  return SPECIAL.has(nameOf(type));
}

type Wire = Record<string, unknown>;

function fail(path: FieldPath | undefined, detail: string): never {
  throw new XdsCodecError(path, detail);
}


// ---------------------------------------------------------------------------------- Duration

const MAX_DURATION_SECONDS = 315576000000n;
const DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

export function parseDuration(value: unknown, path: FieldPath | undefined): { seconds: bigint; nanos: number } {
  const m = typeof value === 'string' ? DURATION.exec(value) : null;
  if (!m) fail(path, `expected a duration such as "10s" or "0.250s", got ${describeJson(value)}`);
  const sign = m[1] ? -1 : 1;
  const seconds = BigInt(m[2]!);
  const nanos = m[3] ? Number(m[3].padEnd(9, '0')) : 0;
  if (seconds > MAX_DURATION_SECONDS) fail(path, `duration ${String(value)} is out of range (at most ${MAX_DURATION_SECONDS}s)`);
  return { seconds: sign < 0 ? -seconds : seconds, nanos: sign * nanos };
}

/** Nine, six, three or no fractional digits, as protobuf's JSON printer writes them. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1_000_000 === 0) return `.${String(nanos / 1_000_000).padStart(3, '0')}`;
  if (nanos % 1000 === 0) return `.${String(nanos / 1000).padStart(6, '0')}`;
  return `.${String(nanos).padStart(9, '0')}`;
}

export function formatDuration(seconds: bigint, nanos: number): string {
  const negative = seconds < 0n || nanos < 0;
  const s = seconds < 0n ? -seconds : seconds;
  return `${negative ? '-' : ''}${s}${fraction(Math.abs(nanos))}s`;
}

// --------------------------------------------------------------------------------- Timestamp

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;
const MIN_TIMESTAMP_SECONDS = -62135596800; // 0001-01-01T00:00:00Z
const MAX_TIMESTAMP_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

export function parseTimestamp(value: unknown, path: FieldPath | undefined): { seconds: number; nanos: number } {
  const m = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
  if (!m) fail(path, `expected an RFC 3339 timestamp such as "2024-01-02T03:04:05Z", got ${describeJson(value)}`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    fail(path, `${String(value)} is not a valid date and time`);
  }
  let seconds = Math.floor(date.getTime() / 1000);
  const zone = m[8]!;
  if (zone !== 'Z' && zone !== 'z') {
    const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60;
    seconds -= zone[0] === '-' ? -offset : offset;
  }
  if (seconds < MIN_TIMESTAMP_SECONDS || seconds > MAX_TIMESTAMP_SECONDS) fail(path, `timestamp ${String(value)} is out of range`);
  return { seconds, nanos: m[7] ? Number(m[7].padEnd(9, '0')) : 0 };
}

export function formatTimestamp(seconds: number, nanos: number): string {
  // toISOString pads years 0001..9999 to four digits, the whole range a Timestamp allows
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}${fraction(nanos)}Z`;
}

// ------------------------------------------------------------------------- Struct and Value

interface ValueNames {
  nullValue: string;
  numberValue: string;
  stringValue: string;
  boolValue: string;
  structValue: string;
  listValue: string;
}

const valueNamesCache = new WeakMap<protobuf.Type, ValueNames>();

function valueNames(valueType: protobuf.Type): ValueNames {
  let names = valueNamesCache.get(valueType);
  if (!names) {
    names = {
      nullValue: fieldById(valueType, 1).name,
      numberValue: fieldById(valueType, 2).name,
      stringValue: fieldById(valueType, 3).name,
      boolValue: fieldById(valueType, 4).name,
      structValue: fieldById(valueType, 5).name,
      listValue: fieldById(valueType, 6).name,
    };
    valueNamesCache.set(valueType, names);
  }
  return names;
}

interface StructTypes {
  readonly struct: protobuf.Type;
  readonly value: protobuf.Type;
  readonly list: protobuf.Type;
}

const structTypesCache = new WeakMap<protobuf.Root, StructTypes>();

function structTypes(type: protobuf.Type): StructTypes {
  const root = type.root;
  let types = structTypesCache.get(root);
  if (!types) {
    types = {
      struct: root.lookupType('google.protobuf.Struct'),
      value: root.lookupType('google.protobuf.Value'),
      list: root.lookupType('google.protobuf.ListValue'),
    };
    structTypesCache.set(root, types);
  }
  return types;
}

function valueToWire(valueType: protobuf.Type, json: unknown, path: FieldPath | undefined): Wire {
  const n = valueNames(valueType);
  if (json === null) return { [n.nullValue]: 0 };
  if (typeof json === 'number') {
    if (!Number.isFinite(json)) fail(path, 'a Struct value must be a finite number');
    return { [n.numberValue]: json };
  }
  if (typeof json === 'string') return { [n.stringValue]: json };
  if (typeof json === 'boolean') return { [n.boolValue]: json };
  if (Array.isArray(json)) return { [n.listValue]: listToWire(valueType, json, path) };
  if (typeof json === 'object' && !(json instanceof Uint8Array)) {
    return { [n.structValue]: structToWire(valueType, json as Record<string, unknown>, path) };
  }
  return fail(path, `expected a JSON value, got ${typeof json}`);
}

function structToWire(valueType: protobuf.Type, json: Record<string, unknown>, path: FieldPath | undefined): Wire {
  const fields: Record<string, Wire> = {};
  for (const [key, v] of Object.entries(json)) {
    if (v === undefined) continue;
    fields[key] = valueToWire(valueType, v, childPath(path, key));
  }
  return { fields };
}

function listToWire(valueType: protobuf.Type, json: unknown[], path: FieldPath | undefined): Wire {
  return { values: json.map((v, i) => valueToWire(valueType, v, childPath(path, i))) };
}

function valueToJson(valueType: protobuf.Type, wire: Wire | null | undefined): JsonValue {
  if (!wire) return null;
  const n = valueNames(valueType);
  const own = (k: string) => Object.prototype.hasOwnProperty.call(wire, k) && wire[k] != null;
  if (own(n.numberValue)) return wire[n.numberValue] as number;
  if (own(n.stringValue)) return wire[n.stringValue] as string;
  if (own(n.boolValue)) return wire[n.boolValue] as boolean;
  if (own(n.structValue)) return structToJson(valueType, wire[n.structValue] as Wire);
  if (own(n.listValue)) return listToJson(valueType, wire[n.listValue] as Wire);
  return null;
}

function structToJson(valueType: protobuf.Type, wire: Wire): JsonObject {
  const out: JsonObject = {};
  const fields = (wire['fields'] ?? {}) as Record<string, Wire>;
  for (const key of Object.keys(fields)) out[key] = valueToJson(valueType, fields[key]);
  return out;
}

function listToJson(valueType: protobuf.Type, wire: Wire): JsonValue[] {
  return ((wire['values'] ?? []) as Wire[]).map((v) => valueToJson(valueType, v));
}

// ---------------------------------------------------------------------------- both directions

/** JSON → the plain object protobufjs encodes, for a type where hasSpecialJson() holds. */
export function specialToWire(type: protobuf.Type, json: unknown, path: FieldPath | undefined): Wire {
  const wrapped = WRAPPERS[nameOf(type)];
  if (wrapped) {
    const v = scalarFromJson(wrapped, json, path);
    return isDefaultScalar(wrapped, v) ? {} : { value: v };
  }
  switch (nameOf(type)) {
    case '.google.protobuf.Duration': {
      const d = parseDuration(json, path);
      // within ±315576000000, so a plain number holds it exactly
      return { seconds: Number(d.seconds), nanos: d.nanos };
    }
    case '.google.protobuf.Timestamp':
      return parseTimestamp(json, path);
    case '.google.protobuf.FieldMask': {
      if (typeof json !== 'string') fail(path, `expected a field mask such as "name,fooBar", got ${describeJson(json)}`);
      const paths = json === '' ? [] : json.split(',').map((p) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
      return { paths };
    }
    case '.google.protobuf.Value':
      return valueToWire(type, json, path);
    case '.google.protobuf.Struct':
      if (json === null || typeof json !== 'object' || Array.isArray(json) || json instanceof Uint8Array) {
        fail(path, `expected a JSON object (google.protobuf.Struct), got ${describeJson(json)}`);
      }
      return structToWire(structTypes(type).value, json as Record<string, unknown>, path);
    case '.google.protobuf.ListValue':
      if (!Array.isArray(json)) fail(path, `expected a JSON array (google.protobuf.ListValue), got ${describeJson(json)}`);
      return listToWire(structTypes(type).value, json, path);
  }
  return fail(path, `${nameOf(type)} has no special JSON form`);
}

function toBigInt(v: unknown): bigint {
  if (v === undefined || v === null) return 0n;
  return BigInt(String(v));
}

/** A decoded well-known message → its JSON form. */
export function specialToJson(type: protobuf.Type, wire: Wire): JsonValue {
  const wrapped = WRAPPERS[nameOf(type)];
  if (wrapped) {
    const v = Object.prototype.hasOwnProperty.call(wire, 'value') ? wire['value'] : undefined;
    if (v === undefined || v === null) return scalarToJson(wrapped, defaultScalar(wrapped));
    return scalarToJson(wrapped, v);
  }
  switch (nameOf(type)) {
    case '.google.protobuf.Duration':
      return formatDuration(toBigInt(wire['seconds']), Number(wire['nanos'] ?? 0));
    case '.google.protobuf.Timestamp':
      return formatTimestamp(Number(toBigInt(wire['seconds'])), Number(wire['nanos'] ?? 0));
    case '.google.protobuf.FieldMask':
      return ((wire['paths'] ?? []) as string[]).map(lowerCamelCase).join(',');
    case '.google.protobuf.Value':
      return valueToJson(type, wire);
    case '.google.protobuf.Struct':
      return structToJson(structTypes(type).value, wire);
    case '.google.protobuf.ListValue':
      return listToJson(structTypes(type).value, wire);
  }
  throw new XdsCodecError(undefined, `${nameOf(type)} has no special JSON form`);
}

function defaultScalar(type: string): unknown {
  switch (type) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    default:
      return 0;
  }
}
