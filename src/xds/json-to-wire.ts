// proto3 JSON → the plain object protobufjs's generated encoder takes (enum numbers, Long for
// 64-bit integers, Uint8Array for bytes, Any as { type_url, value }). This is where resources are
// validated: an unknown field, a wrong type, a second member of a oneof or an Any whose type is
// not loaded is an XdsCodecError naming the field path.

import protobuf from 'protobufjs';
import { childPath, describeJson, type FieldPath, XdsCodecError } from './codec-error.js';
import type { PackedAny } from './json-types.js';
import { type FieldInfo, messageFields, nameOf } from './message-fields.js';
import { findMessageType } from './proto-root.js';
import { enumFromJson, isDefaultScalar, scalarFromJson } from './scalar-json.js';
import { hasSpecialJson, specialToWire } from './well-known-json.js';

type Wire = Record<string, unknown>;

const ANY = '.google.protobuf.Any';
const VALUE = '.google.protobuf.Value';


function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** The message name a type URL points at: everything after the last '/'. */
export function typeNameFromUrl(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

/** The loaded message type for an Any's type URL, or an error naming the URL. */
export function messageTypeForUrl(typeUrl: unknown, path: FieldPath | undefined): protobuf.Type {
  if (typeof typeUrl !== 'string' || !typeUrl.includes('/')) {
    throw new XdsCodecError(path, `expected a type URL such as "type.googleapis.com/envoy.config.cluster.v3.Cluster", got ${describeJson(typeUrl)}`);
  }
  const type = findMessageType(typeNameFromUrl(typeUrl));
  if (!type) throw new XdsCodecError(path, `unknown type URL ${typeUrl}: Skiff does not load a proto defining ${typeNameFromUrl(typeUrl)}`);
  return type;
}

/** A suggestion for a misspelt field: same letters ignoring case and underscores. */
function closeField(type: protobuf.Type, key: string): string | undefined {
  const squash = (s: string) => s.replace(/_/g, '').toLowerCase();
  const wanted = squash(key);
  return messageFields(type).ordered.find((f) => squash(f.protoName) === wanted)?.protoName;
}

function isPackedAny(value: Record<string, unknown>): boolean {
  return typeof value['type_url'] === 'string' && value['value'] instanceof Uint8Array && Object.keys(value).length === 2;
}

function anyToWire(json: unknown, path: FieldPath | undefined): Wire {
  if (!isPlainObject(json)) throw new XdsCodecError(path, `expected an object with "@type" (google.protobuf.Any), got ${describeJson(json)}`);
  // Already-packed Anys pass through, so a resource encoded once can be reused.
  if (isPackedAny(json)) return json;
  const typeUrl = json['@type'];
  if (typeUrl === undefined) throw new XdsCodecError(path, 'google.protobuf.Any needs "@type" naming the message it holds');
  const type = messageTypeForUrl(typeUrl, childPath(path, '@type'));
  return { type_url: typeUrl, value: encodeAnyBody(type, json, path) };
}

function encodeAnyBody(type: protobuf.Type, json: Record<string, unknown>, path: FieldPath | undefined): Uint8Array {
  let wire: Wire;
  if (hasSpecialJson(type) || nameOf(type) === ANY) {
    for (const key of Object.keys(json)) {
      if (key !== '@type' && key !== 'value') {
        throw new XdsCodecError(childPath(path, key), `unknown field: an Any holding ${nameOf(type).slice(1)} takes only "@type" and "value"`);
      }
    }
    wire = nameOf(type) === ANY ? anyToWire(json['value'], childPath(path, 'value')) : specialToWire(type, json['value'], childPath(path, 'value'));
  } else {
    wire = messageToWire(type, json, path, true);
  }
  return type.encode(wire).finish();
}

function mapKeyFromJson(keyType: string, key: string, path: FieldPath | undefined): string {
  if (keyType === 'string') return key;
  if (keyType === 'bool') {
    if (key !== 'true' && key !== 'false') throw new XdsCodecError(path, `expected map key true or false, got ${JSON.stringify(key)}`);
    return key;
  }
  // 64-bit keys stay decimal strings: protobufjs's encoder reads them through Long.fromString
  return String(scalarFromJson(keyType, key, path));
}

function elementToWire(info: FieldInfo, value: unknown, path: FieldPath | undefined): unknown {
  const { field } = info;
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageToWireAny(resolved, value, path);
  if (resolved instanceof protobuf.Enum) return enumFromJson(resolved, value, path);
  return scalarFromJson(field.type, value, path);
}

function messageToWireAny(type: protobuf.Type, json: unknown, path: FieldPath | undefined): Wire {
  if (nameOf(type) === ANY) return anyToWire(json, path);
  if (hasSpecialJson(type)) return specialToWire(type, json, path);
  return messageToWire(type, json, path, false);
}

/**
 * A message (not a well-known type) from JSON. `insideAny` lets the "@type" key through: it
 * belongs to the Any around the message.
 */
export function messageToWire(type: protobuf.Type, json: unknown, path: FieldPath | undefined, insideAny: boolean): Wire {
  if (!isPlainObject(json)) throw new XdsCodecError(path, `expected an object (${nameOf(type).slice(1)}), got ${describeJson(json)}`);
  const { byName } = messageFields(type);
  const out: Wire = {};
  const seen = new Map<string, string>();
  const oneofMembers = new Map<protobuf.OneOf, string>();
  for (const key of Object.keys(json)) {
    const value = json[key];
    if (key === '@type') {
      if (insideAny) continue;
      throw new XdsCodecError(childPath(path, key), `"@type" belongs only in a google.protobuf.Any, not in ${nameOf(type).slice(1)}`);
    }
    const info = byName.get(key);
    const fieldPath = childPath(path, key);
    if (!info) {
      const close = closeField(type, key);
      throw new XdsCodecError(fieldPath, `unknown field in ${nameOf(type).slice(1)}${close ? ` (did you mean "${close}"?)` : ''}`);
    }
    const earlier = seen.get(info.protoName);
    if (earlier !== undefined) throw new XdsCodecError(fieldPath, `field given twice, as "${earlier}" and "${key}"`);
    seen.set(info.protoName, key);
    const isValueField = info.field.resolvedType instanceof protobuf.Type && nameOf(info.field.resolvedType) === VALUE;
    // proto3 JSON: null means "not set", except in a google.protobuf.Value where it is NULL_VALUE.
    if (value === undefined || (value === null && !(isValueField && !info.field.repeated && !info.field.map))) continue;
    if (info.oneof) {
      const other = oneofMembers.get(info.oneof);
      if (other !== undefined) {
        throw new XdsCodecError(fieldPath, `"${other}" and "${key}" are both set, but they are members of oneof ${info.oneof.name} (set one)`);
      }
      oneofMembers.set(info.oneof, key);
    }
    const converted = fieldToWire(info, value, fieldPath);
    if (converted !== undefined) out[info.protoName] = converted;
  }
  return out;
}

function fieldToWire(info: FieldInfo, value: unknown, path: FieldPath): unknown {
  const { field } = info;
  if (field.map) {
    if (!isPlainObject(value)) throw new XdsCodecError(path, `expected an object (map), got ${describeJson(value)}`);
    const keyType = (field as unknown as protobuf.MapField).keyType;
    const map: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const entryPath = childPath(path, k);
      if (v === null || v === undefined) throw new XdsCodecError(entryPath, 'map values cannot be null');
      map[mapKeyFromJson(keyType, k, entryPath)] = elementToWire(info, v, entryPath);
    }
    return map;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) throw new XdsCodecError(path, `expected an array, got ${describeJson(value)}`);
    return value.map((v, i) => {
      const elementPath = childPath(path, i);
      if (v === null || v === undefined) throw new XdsCodecError(elementPath, 'array elements cannot be null');
      return elementToWire(info, v, elementPath);
    });
  }
  const converted = elementToWire(info, value, path);
  // Implicit-presence scalars at their default are not written, as protobuf serializers do.
  if (!info.hasPresence && !(field.resolvedType instanceof protobuf.Type)) {
    if (field.resolvedType instanceof protobuf.Enum ? converted === 0 : isDefaultScalar(field.type, converted)) return undefined;
  }
  return converted;
}

/** JSON → encoder input for any message type, including well-known types and Any. */
export function jsonToWire(type: protobuf.Type, json: unknown, path?: FieldPath): Wire {
  return messageToWireAny(type, json, path);
}

/** Packs an `{ "@type": url, ...fields }` object into a wire Any. */
export function jsonToPackedAny(json: unknown, path?: FieldPath): PackedAny {
  return anyToWire(json, path) as unknown as PackedAny;
}
