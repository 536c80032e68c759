// A message protobufjs decoded → canonical proto3 JSON with the .proto's snake_case names, as
// Envoy's config_dump prints it: defaults left out, fields in field-number order, enums by name,
// 64-bit integers as strings, Any unpacked to { "@type", ...fields } recursively.

import protobuf from 'protobufjs';
import { childPath, type FieldPath, XdsCodecError } from './codec-error.js';
import type { AnyJson, JsonObject, JsonValue } from './json-types.js';
import { messageTypeForUrl } from './json-to-wire.js';
import { type FieldInfo, messageFields, nameOf } from './message-fields.js';
import { enumToJson, isDefaultScalar, scalarToJson } from './scalar-json.js';
import { hasSpecialJson, specialToJson } from './well-known-json.js';

type Wire = Record<string, unknown>;

const ANY = '.google.protobuf.Any';
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Decodes bytes as this type, reporting truncated or malformed input against the path. */
export function decodeWire(type: protobuf.Type, bytes: Uint8Array, path: FieldPath | undefined): Wire {
  try {
    return type.decode(bytes) as unknown as Wire;
  } catch (e) {
    throw new XdsCodecError(path, `cannot decode ${nameOf(type).slice(1)}: ${(e as Error).message}`);
  }
}

/** An Any on the wire → `{ "@type": url, ...fields }` (or `{ "@type", value }` for well-known types). */
export function packedAnyToJson(typeUrl: string, bytes: Uint8Array, path?: FieldPath): AnyJson {
  const type = messageTypeForUrl(typeUrl, childPath(path, '@type'));
  const wire = decodeWire(type, bytes, path);
  if (nameOf(type) === ANY || hasSpecialJson(type)) {
    return { '@type': typeUrl, value: messageToJsonAny(type, wire, childPath(path, 'value')) };
  }
  return { '@type': typeUrl, ...messageToJson(type, wire, path) };
}

function messageToJsonAny(type: protobuf.Type, wire: Wire, path: FieldPath | undefined): JsonValue {
  if (nameOf(type) === ANY) {
    const typeUrl = (wire['type_url'] ?? '') as string;
    if (typeUrl === '') return {};
    return packedAnyToJson(typeUrl, (wire['value'] ?? new Uint8Array(0)) as Uint8Array, path);
  }
  if (hasSpecialJson(type)) return specialToJson(type, wire);
  return messageToJson(type, wire, path);
}

function elementToJson(info: FieldInfo, value: unknown, path: FieldPath | undefined): JsonValue {
  const resolved = info.field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageToJsonAny(resolved, value as Wire, path);
  if (resolved instanceof protobuf.Enum) return enumToJson(resolved, value as number);
  return scalarToJson(info.field.type, value);
}

function mapKeyToJson(keyType: string, key: string): string {
  // protobufjs keys 64-bit maps by an 8-character hash of the value
  if (/64$/.test(keyType) && key.length === 8) {
    return protobuf.util.longFromHash(key, keyType === 'uint64' || keyType === 'fixed64').toString();
  }
  return key;
}

/** A decoded message (not a well-known type) → JSON. */
export function messageToJson(type: protobuf.Type, wire: Wire, path: FieldPath | undefined): JsonObject {
  const out: JsonObject = {};
  for (const info of messageFields(type).ordered) {
    const name = info.protoName;
    const { field } = info;
    if (field.map) {
      const map = wire[name] as Record<string, unknown> | undefined;
      if (!map) continue;
      const keys = Object.keys(map);
      if (keys.length === 0) continue;
      const obj: JsonObject = {};
      const keyType = (field as unknown as protobuf.MapField).keyType;
      for (const k of keys) obj[mapKeyToJson(keyType, k)] = elementToJson(info, map[k], childPath(childPath(path, name), k));
      out[name] = obj;
    } else if (field.repeated) {
      const list = wire[name] as unknown[] | undefined;
      if (!list || list.length === 0) continue;
      out[name] = list.map((v, i) => elementToJson(info, v, childPath(childPath(path, name), i)));
    } else {
      if (!has(wire, name)) continue;
      const value = wire[name];
      if (value === null || value === undefined) continue;
      if (!info.hasPresence) {
        const isDefault = field.resolvedType instanceof protobuf.Enum ? value === 0 : isDefaultScalar(field.type, value);
        if (isDefault) continue;
      }
      out[name] = elementToJson(info, value, childPath(path, name));
    }
  }
  return out;
}

/** A decoded message of any type, including well-known types and Any, → JSON. */
export function wireToJson(type: protobuf.Type, wire: Wire, path?: FieldPath): JsonValue {
  return messageToJsonAny(type, wire, path);
}
