// Protobuf varints, for the hand-written DiscoveryRequest and DiscoveryResponse codecs.

/** Bytes a varint of `n` (a non-negative integer) takes. */
export function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len += 1;
  }
  return len;
}

/** Writes `n` at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}
