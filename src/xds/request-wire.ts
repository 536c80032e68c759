// DiscoveryRequest on the wire, by hand, for the request every proxy sends most: the ACK. After a
// push, a thousand sidecars each ACK with the same type URL and the same subscribed names (an EDS
// ACK repeats every cluster name), so the names are where the time goes: decoded, each ACK costs
// a string per name and a list to compare. Here the names' bytes are looked up whole and a known
// run comes back as the same frozen list, which the server then recognises by identity; encoded,
// a frozen list's bytes are kept by its identity. Requests carrying a node, an error_detail or
// resource locators are not ACKs: these return undefined and the caller takes the general codec.

import { varintLength, writeVarint } from './wire-varint.js';

/** Field numbers of envoy.service.discovery.v3.DiscoveryRequest. */
const FIELD = { versionInfo: 1, node: 2, resourceNames: 3, typeUrl: 4, responseNonce: 5, errorDetail: 6, resourceLocators: 7 } as const;
const WIRE_LEN = 2;
const tag = (field: number) => (field << 3) | WIRE_LEN;

export interface AckFields {
  readonly version_info: string;
  readonly resource_names: readonly string[];
  readonly type_url: string;
  readonly response_nonce: string;
}

/** Distinct name runs seen, by their bytes; bounded because names are what clients send. */
const namesByBytes = new Map<string, readonly string[]>();
const NAMES_CACHE_LIMIT = 512;
/** Longer runs are decoded each time: keying a huge run costs what decoding it does. */
const NAMES_CACHE_MAX_BYTES = 256 * 1024;
const NO_NAMES: readonly string[] = Object.freeze([]);

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let factor = 1;
  for (let i = 0; i < 5; i++) {
    if (pos >= buf.length) throw new RangeError('truncated varint');
    const b = buf[pos++]!;
    value += (b & 0x7f) * factor;
    if (b < 0x80) return [value, pos];
    factor *= 128;
  }
  throw new RangeError('varint longer than 32 bits');
}

function decodeNames(buf: Buffer, start: number, end: number): readonly string[] {
  const names: string[] = [];
  let pos = start;
  while (pos < end) {
    pos += 1; // the tag, checked by the caller's scan
    const [length, at] = readVarint(buf, pos);
    names.push(buf.toString('utf8', at, at + length));
    pos = at + length;
  }
  return Object.freeze(names);
}

function namesOf(buf: Buffer, start: number, end: number): readonly string[] {
  if (start === end) return NO_NAMES;
  if (end - start > NAMES_CACHE_MAX_BYTES) return decodeNames(buf, start, end);
  const key = buf.toString('latin1', start, end);
  let names = namesByBytes.get(key);
  if (!names) {
    names = decodeNames(buf, start, end);
    if (namesByBytes.size >= NAMES_CACHE_LIMIT) namesByBytes.clear();
    namesByBytes.set(key, names);
  }
  return names;
}

/**
 * Decodes a request that has only version_info, resource_names (one contiguous run), type_url and
 * response_nonce; undefined for anything else (the caller decodes it in full). Throws RangeError
 * on bytes that are not a DiscoveryRequest.
 */
export function readAck(bytes: Uint8Array): AckFields | undefined {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let version = '';
  let typeUrl = '';
  let nonce = '';
  let namesStart = -1;
  let namesEnd = -1;
  let pos = 0;
  while (pos < buf.length) {
    const t = buf[pos]!;
    if ((t & 7) !== WIRE_LEN || t >= 0x80) return undefined;
    const field = t >> 3;
    const [length, at] = readVarint(buf, pos + 1);
    const next = at + length;
    if (next > buf.length) throw new RangeError(`field ${field} runs past the end of the message`);
    switch (field) {
      case FIELD.versionInfo:
        version = buf.toString('utf8', at, next);
        break;
      case FIELD.typeUrl:
        typeUrl = buf.toString('utf8', at, next);
        break;
      case FIELD.responseNonce:
        nonce = buf.toString('utf8', at, next);
        break;
      case FIELD.resourceNames:
        if (namesStart < 0) namesStart = pos;
        else if (namesEnd !== pos) return undefined; // names split by another field
        namesEnd = next;
        break;
      default:
        return undefined; // node, error_detail, resource_locators or unknown: not an ACK
    }
    pos = next;
  }
  return {
    version_info: version,
    resource_names: namesStart < 0 ? NO_NAMES : namesOf(buf, namesStart, namesEnd),
    type_url: typeUrl,
    response_nonce: nonce,
  };
}

const encodedNames = new WeakMap<readonly string[], Buffer>();

function namesBlock(names: readonly string[]): Buffer {
  const cached = encodedNames.get(names);
  if (cached) return cached;
  const encoded = names.map((n) => Buffer.from(n, 'utf8'));
  const block = Buffer.allocUnsafe(encoded.reduce((size, b) => size + 1 + varintLength(b.length) + b.length, 0));
  let pos = 0;
  for (const b of encoded) {
    block[pos++] = tag(FIELD.resourceNames);
    pos = writeVarint(block, pos, b.length);
    pos += b.copy(block, pos);
  }
  // Only a list that cannot change may be recognised by its identity later.
  if (Object.isFrozen(names)) encodedNames.set(names, block);
  return block;
}

/** Writes version_info, resource_names, type_url, response_nonce as protobufjs does (field order, empty strings present). */
export function writeAck(request: AckFields): Buffer {
  const version = Buffer.from(request.version_info, 'utf8');
  const typeUrl = Buffer.from(request.type_url, 'utf8');
  const nonce = Buffer.from(request.response_nonce, 'utf8');
  const names = namesBlock(request.resource_names);
  const field = (b: Buffer) => 1 + varintLength(b.length) + b.length;
  const out = Buffer.allocUnsafe(field(version) + names.length + field(typeUrl) + field(nonce));
  let pos = 0;
  const put = (f: number, b: Buffer) => {
    out[pos++] = tag(f);
    pos = writeVarint(out, pos, b.length);
    pos += b.copy(out, pos);
  };
  put(FIELD.versionInfo, version);
  pos += names.copy(out, pos);
  put(FIELD.typeUrl, typeUrl);
  put(FIELD.responseNonce, nonce);
  return out;
}
