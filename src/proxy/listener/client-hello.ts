// What tls_inspector reads from a TLS ClientHello: the server name (SNI) and the offered ALPN
// protocols, used to pick a filter chain before the handshake. Bounds-checked: a truncated or odd
// hello yields what could be read.

export interface ClientHelloInfo {
  serverName?: string;
  alpn: string[];
}

export function parseClientHello(buf: Buffer): ClientHelloInfo | undefined {
  const info: ClientHelloInfo = { alpn: [] };
  // Record header (5) + handshake header (4); the hello must be the first handshake message.
  if (buf.length < 9 || buf[0] !== 0x16 || buf[5] !== 0x01) return undefined;
  let p = 9 + 2 + 32; // client version, random
  const need = (n: number) => p + n <= buf.length;
  if (!need(1)) return info;
  p += 1 + buf[p]!; // session id
  if (!need(2)) return info;
  p += 2 + buf.readUInt16BE(p); // cipher suites
  if (!need(1)) return info;
  p += 1 + buf[p]!; // compression methods
  if (!need(2)) return info;
  const end = Math.min(buf.length, p + 2 + buf.readUInt16BE(p));
  p += 2;
  while (p + 4 <= end) {
    const type = buf.readUInt16BE(p);
    const len = buf.readUInt16BE(p + 2);
    const data = p + 4;
    if (data + len > end) break;
    if (type === 0x0000 && len >= 5) {
      // server_name list: type 0 (host_name), 2-byte length, name.
      const nameLen = buf.readUInt16BE(data + 3);
      if (buf[data + 2] === 0 && data + 5 + nameLen <= data + len) info.serverName = buf.toString('latin1', data + 5, data + 5 + nameLen).toLowerCase();
    } else if (type === 0x0010 && len >= 2) {
      let q = data + 2;
      const listEnd = Math.min(data + 2 + buf.readUInt16BE(data), data + len);
      while (q < listEnd) {
        const l = buf[q]!;
        if (q + 1 + l > listEnd) break;
        info.alpn.push(buf.toString('latin1', q + 1, q + 1 + l));
        q += 1 + l;
      }
    }
    p = data + len;
  }
  return info;
}
