// The public proto3-JSON codec: Envoy resources as plain JSON objects in, protobuf bytes out, and
// back. Every failure is an XdsCodecError naming the message type and the field path.

import type protobuf from 'protobufjs';
import { XdsCodecError } from './codec-error.js';
import type { AnyJson, JsonObject, JsonValue, PackedAny } from './json-types.js';
import { jsonToPackedAny, jsonToWire, messageToWire, typeNameFromUrl } from './json-to-wire.js';
import { findMessageType } from './proto-root.js';
import { decodeWire, packedAnyToJson, wireToJson } from './wire-to-json.js';
import { nameOf } from './message-fields.js';

function withRoot<T>(rootType: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof XdsCodecError && e.rootType === undefined) throw e.withRootType(rootType);
    throw e;
  }
}

function requireType(typeName: string): protobuf.Type {
  const type = findMessageType(typeName);
  if (!type) throw new XdsCodecError('', `unknown message type ${typeName}: Skiff does not load a proto defining it`);
  return type;
}

function typeForUrl(typeUrl: string): protobuf.Type {
  if (typeof typeUrl !== 'string' || !typeUrl.includes('/')) {
    throw new XdsCodecError('', `expected a type URL such as "type.googleapis.com/envoy.config.cluster.v3.Cluster", got ${JSON.stringify(typeUrl)}`);
  }
  return requireType(typeNameFromUrl(typeUrl));
}

/** Encodes a message given by its full name (`envoy.config.core.v3.Node`) from proto3 JSON. */
export function encodeMessage(typeName: string, obj: unknown): Buffer {
  const type = requireType(typeName);
  return withRoot(typeName, () => Buffer.from(type.encode(jsonToWire(type, obj)).finish()));
}

/** Decodes a message given by its full name into proto3 JSON. */
export function decodeMessage(typeName: string, bytes: Uint8Array): JsonValue {
  const type = requireType(typeName);
  return withRoot(typeName, () => wireToJson(type, decodeWire(type, bytes, undefined)));
}

/**
 * Encodes an xDS resource (or any message) named by its type URL. The object may carry an
 * `@type` equal to the type URL (as config_dump entries do); any other `@type` is an error.
 */
export function encodeResource(typeUrl: string, obj: unknown): Buffer {
  const type = typeForUrl(typeUrl);
  const rootType = nameOf(type).slice(1);
  return withRoot(rootType, () => {
    if (typeof obj === 'object' && obj !== null && '@type' in obj) {
      const declared = (obj as Record<string, unknown>)['@type'];
      if (declared !== typeUrl) throw new XdsCodecError('@type', `is ${JSON.stringify(declared)} but the resource is encoded as ${typeUrl}`);
      return Buffer.from(type.encode(messageToWire(type, obj, undefined, true)).finish());
    }
    return Buffer.from(type.encode(jsonToWire(type, obj)).finish());
  });
}

/** Decodes an xDS resource named by its type URL into proto3 JSON (without `@type`). */
export function decodeResource(typeUrl: string, bytes: Uint8Array): JsonObject {
  const type = typeForUrl(typeUrl);
  const rootType = nameOf(type).slice(1);
  return withRoot(rootType, () => {
    const json = wireToJson(type, decodeWire(type, bytes, undefined));
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new XdsCodecError('', `${rootType} has no object JSON form; use decodeMessage`);
    }
    return json;
  });
}

/** `{ "@type": url, ...fields }` → a wire Any (type URL + encoded bytes). */
export function packAny(obj: AnyJson | Record<string, unknown>): PackedAny {
  const typeUrl = (obj as Record<string, unknown>)['@type'];
  const rootType = typeof typeUrl === 'string' ? typeNameFromUrl(typeUrl) : 'google.protobuf.Any';
  return withRoot(rootType, () => jsonToPackedAny(obj));
}

/** A wire Any → `{ "@type": url, ...fields }`, nested Anys unpacked too. */
export function unpackAny(any: PackedAny): AnyJson {
  return withRoot(typeNameFromUrl(String(any.type_url)), () => packedAnyToJson(any.type_url, any.value));
}

/** Checks a resource against its proto without keeping the bytes; the error names the field path. */
export function validateResource(typeUrl: string, obj: unknown): { ok: true } | { ok: false; error: XdsCodecError } {
  try {
    encodeResource(typeUrl, obj);
    return { ok: true };
  } catch (e) {
    if (e instanceof XdsCodecError) return { ok: false, error: e };
    throw e;
  }
}
