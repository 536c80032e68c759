// Proto3 JSON for scalar fields and enums: which JSON values each proto scalar type accepts, what
// protobufjs's encoder wants for it, and how a decoded value prints (64-bit integers as strings,
// bytes as base64, non-finite floats as "NaN"/"Infinity", enums by name).

import protobuf from 'protobufjs';
import { describeJson, type FieldPath, XdsCodecError } from './codec-error.js';
import type { JsonValue } from './json-types.js';
import { nameOf } from './message-fields.js';

const INT32_RANGE: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  sint32: [-2147483648, 2147483647],
  sfixed32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  fixed32: [0, 4294967295],
};

const INT64_RANGE: Record<string, [bigint, bigint]> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

export const SCALAR_TYPES: ReadonlySet<string> = new Set([
  'double', 'float', 'bool', 'string', 'bytes', ...Object.keys(INT32_RANGE), ...Object.keys(INT64_RANGE),
]);

/** protobufjs's Long (from the `long` package it depends on); its typings only declare the instance side. */
const Long = protobuf.util.Long as unknown as {
  fromString(text: string, unsigned?: boolean): protobuf.Long;
  isLong(value: unknown): boolean;
};

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;
const INTEGER_TEXT = /^-?\d+$/;


function fail(path: FieldPath | undefined, expected: string, value: unknown): never {
  throw new XdsCodecError(path, `expected ${expected}, got ${describeJson(value)}`);
}

function parseInteger(value: unknown, type: string, path: FieldPath | undefined): bigint {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) fail(path, `an integer (${type})`, value);
    if (!Number.isSafeInteger(value)) fail(path, `an integer (${type}) given exactly; write integers beyond 2^53 as strings`, value);
    return BigInt(value);
  }
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) return BigInt(value);
  return fail(path, `an integer (${type})`, value);
}

/** Converts a JSON value to what protobufjs's encoder takes for this scalar type. */
export function scalarFromJson(type: string, value: unknown, path: FieldPath | undefined): unknown {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') fail(path, 'a string', value);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') fail(path, 'true or false', value);
      return value;
    case 'bytes':
      if (value instanceof Uint8Array) return value;
      if (typeof value !== 'string' || !BASE64.test(value)) fail(path, 'base64-encoded bytes', value);
      return Buffer.from(value, 'base64');
    case 'double':
    case 'float': {
      if (typeof value === 'number') return value;
      if (value === 'NaN') return NaN;
      if (value === 'Infinity') return Infinity;
      if (value === '-Infinity') return -Infinity;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return fail(path, `a number (${type})`, value);
    }
  }
  const range32 = INT32_RANGE[type];
  if (range32) {
    const n = parseInteger(value, type, path);
    if (n < BigInt(range32[0]) || n > BigInt(range32[1])) {
      throw new XdsCodecError(path, `${String(value)} is out of range for ${type} (${range32[0]}..${range32[1]})`);
    }
    return Number(n);
  }
  const range64 = INT64_RANGE[type];
  if (range64) {
    const n = parseInteger(value, type, path);
    if (n < range64[0] || n > range64[1]) {
      throw new XdsCodecError(path, `${String(value)} is out of range for ${type}`);
    }
    if (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(n);
    return Long.fromString(n.toString(), type === 'uint64' || type === 'fixed64');
  }
  throw new XdsCodecError(path, `unsupported scalar type ${type}`);
}

/** Shortest decimal that reads back as the same float32, as protobuf's JSON printer writes floats. */
function shortestFloat32(v: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(v.toPrecision(digits));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

/** Prints a value protobufjs decoded for this scalar type. */
export function scalarToJson(type: string, value: unknown): JsonValue {
  switch (type) {
    case 'string':
    case 'bool':
      return value as string | boolean;
    case 'bytes':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'double':
    case 'float': {
      const n = value as number;
      if (Number.isNaN(n)) return 'NaN';
      if (n === Infinity) return 'Infinity';
      if (n === -Infinity) return '-Infinity';
      return type === 'float' ? shortestFloat32(n) : n;
    }
  }
  if (INT64_RANGE[type]) return String(value);
  return value as number;
}

/** Whether a decoded implicit-presence scalar holds its default (proto3 JSON leaves those out). */
export function isDefaultScalar(type: string, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  switch (type) {
    case 'string':
      return value === '';
    case 'bool':
      return value === false;
    case 'bytes':
      return (value as Uint8Array).length === 0;
  }
  if (typeof value === 'number') return value === 0 && !Object.is(value, -0);
  // protobufjs decodes 64-bit integers to Long
  if (Long.isLong(value)) return String(value) === '0';
  return false;
}

export const NULL_VALUE_ENUM = '.google.protobuf.NullValue';

export function enumFromJson(enumType: protobuf.Enum, value: unknown, path: FieldPath | undefined): number {
  if (nameOf(enumType) === NULL_VALUE_ENUM && value === null) return 0;
  if (typeof value === 'string') {
    const n = enumType.values[value];
    if (n !== undefined) return n;
    const names = Object.keys(enumType.values);
    const known = names.length <= 16 ? `: one of ${names.join(', ')}` : '';
    throw new XdsCodecError(path, `unknown ${enumType.name} value ${JSON.stringify(value)}${known}`);
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return value;
  return fail(path, `a ${enumType.name} name`, value);
}

export function enumToJson(enumType: protobuf.Enum, value: number): JsonValue {
  if (nameOf(enumType) === NULL_VALUE_ENUM) return null;
  return enumType.valuesById[value] ?? value;
}
