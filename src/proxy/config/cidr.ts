// envoy.config.core.v3.CidrRange for filter chain matching, IPv4 and IPv6.

import { isIP } from 'node:net';
import { ErrorSink, MessageReader } from './reader.js';

export interface Cidr {
  readonly bytes: Uint8Array;
  readonly prefixLen: number;
}

/** The address as 4 or 16 bytes; IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes IPv4. */
export function parseIp(address: string): Uint8Array | undefined {
  let a = address;
  if (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4) a = a.slice(7);
  const kind = isIP(a);
  if (kind === 4) return Uint8Array.from(a.split('.').map(Number));
  if (kind !== 6) return undefined;
  const [head, tail] = a.split('::') as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  let hs = groups(head);
  let ts = groups(tail);
  const expand = (parts: string[]) => parts.flatMap((p) => (p.includes('.') ? ipv4ToGroups(p) : [p]));
  hs = expand(hs);
  ts = expand(ts);
  const all = tail === undefined ? hs : [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

function ipv4ToGroups(v4: string): string[] {
  const b = v4.split('.').map(Number);
  return [((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16)];
}

export function cidrContains(c: Cidr, ip: Uint8Array): boolean {
  if (ip.length !== c.bytes.length) return false;
  let bits = c.prefixLen;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[i]! & mask) !== (c.bytes[i]! & mask)) return false;
  }
  return true;
}

export function compileCidr(value: unknown, path: string, sink: ErrorSink): Cidr | undefined {
  const r = MessageReader.of(value, path, sink, { fields: ['address_prefix', 'prefix_len'] });
  if (!r) return undefined;
  const prefix = r.string('address_prefix', { required: true });
  if (prefix === undefined) return undefined;
  const bytes = parseIp(prefix);
  if (!bytes) return r.error('address_prefix', `${JSON.stringify(prefix)} is not an IP address`);
  const prefixLen = r.int('prefix_len', bytes.length * 8, 0, bytes.length * 8);
  return { bytes, prefixLen };
}
