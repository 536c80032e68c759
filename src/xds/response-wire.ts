// DiscoveryResponse on the wire, written by hand. The resources are already encoded Anys, and a
// push sends the same list to many proxies (a thousand sidecars get the same clusters), so the
// `resources` field is encoded once per list, kept by the list's identity, and each response only
// adds its version, type URL and nonce around it. Bytes are what protobufjs writes for the same
// message (fields in number order, strings present even when empty).

import { XdsCodecError } from './codec-error.js';
import type { PackedAny } from './json-types.js';
import { varintLength, writeVarint } from './wire-varint.js';

/** Wire type 2 (length-delimited) tags of the fields written here. */
const TAG = {
  versionInfo: (1 << 3) | 2,
  resources: (2 << 3) | 2,
  typeUrl: (4 << 3) | 2,
  nonce: (5 << 3) | 2,
  controlPlane: (6 << 3) | 2,
  anyTypeUrl: (1 << 3) | 2,
  anyValue: (2 << 3) | 2,
  controlPlaneIdentifier: (1 << 3) | 2,
} as const;


class WireWriter {
  readonly buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  varint(n: number): void {
    this.pos = writeVarint(this.buf, this.pos, n);
  }

  bytes(tag: number, data: Uint8Array): void {
    this.buf[this.pos++] = tag;
    this.varint(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }
}

/** Length of a length-delimited field with a one-byte tag. */
const fieldLength = (n: number) => 1 + varintLength(n) + n;

const resourceBlocks = new WeakMap<readonly PackedAny[], Buffer>();

/** Field 2, every resource in order. Kept for a frozen list only: a list that can change cannot be. */
function resourcesBlock(resources: readonly PackedAny[]): Buffer {
  const cached = resourceBlocks.get(resources);
  if (cached) return cached;
  const parts: { typeUrl: Buffer; value: Uint8Array; anyLength: number }[] = [];
  let size = 0;
  resources.forEach((any, i) => {
    if (!any || typeof any.type_url !== 'string' || !(any.value instanceof Uint8Array)) {
      throw new XdsCodecError(`resources[${i}]`, 'expected a packed Any { type_url, value: bytes } (see packAny)');
    }
    const typeUrl = Buffer.from(any.type_url, 'utf8');
    const anyLength = fieldLength(typeUrl.length) + fieldLength(any.value.length);
    parts.push({ typeUrl, value: any.value, anyLength });
    size += fieldLength(anyLength);
  });
  const w = new WireWriter(size);
  for (const p of parts) {
    w.buf[w.pos++] = TAG.resources;
    w.varint(p.anyLength);
    w.bytes(TAG.anyTypeUrl, p.typeUrl);
    w.bytes(TAG.anyValue, p.value);
  }
  if (Object.isFrozen(resources)) resourceBlocks.set(resources, w.buf);
  return w.buf;
}

export interface ResponseFields {
  readonly version_info: string;
  readonly resources: readonly PackedAny[];
  readonly type_url: string;
  readonly nonce: string;
  readonly control_plane?: { readonly identifier: string };
}

export function writeDiscoveryResponse(response: ResponseFields): Buffer {
  if (!Array.isArray(response.resources)) throw new XdsCodecError('resources', 'expected an array of packed Anys');
  const block = resourcesBlock(response.resources);
  const version = Buffer.from(response.version_info ?? '', 'utf8');
  const typeUrl = Buffer.from(response.type_url ?? '', 'utf8');
  const nonce = Buffer.from(response.nonce ?? '', 'utf8');
  const identifier = response.control_plane ? Buffer.from(response.control_plane.identifier ?? '', 'utf8') : undefined;
  const controlPlaneLength = identifier ? fieldLength(identifier.length) : 0;
  const size = fieldLength(version.length) + block.length + fieldLength(typeUrl.length) + fieldLength(nonce.length) + (identifier ? fieldLength(controlPlaneLength) : 0);
  const w = new WireWriter(size);
  w.bytes(TAG.versionInfo, version);
  w.buf.set(block, w.pos);
  w.pos += block.length;
  w.bytes(TAG.typeUrl, typeUrl);
  w.bytes(TAG.nonce, nonce);
  if (identifier) {
    w.buf[w.pos++] = TAG.controlPlane;
    w.varint(controlPlaneLength);
    w.bytes(TAG.controlPlaneIdentifier, identifier);
  }
  return w.buf;
}
