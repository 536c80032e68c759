// What tls_inspector and http_inspector learn from a connection's first bytes: the transport
// protocol (tls or raw_buffer) and, for plaintext, the HTTP version (http/1.1, http/1.0, h2c).

import type { Socket } from 'node:net';
import { parseClientHello } from './client-hello.js';

export interface SniffResult {
  transportProtocol: 'tls' | 'raw_buffer';
  applicationProtocols: string[];
  /** SNI from a TLS ClientHello. */
  serverName?: string;
}

const H2_PREFACE = 'PRI * HTTP/2.0';
const HTTP1_RE = /^[A-Z]+ \S+ HTTP\/1\.([01])\r?\n/;

export function classifyFirstBytes(chunk: Buffer): SniffResult {
  if (chunk[0] === 0x16) {
    const hello = parseClientHello(chunk);
    return { transportProtocol: 'tls', applicationProtocols: hello?.alpn ?? [], serverName: hello?.serverName };
  }
  const head = chunk.subarray(0, 2048).toString('latin1');
  if (head.startsWith(H2_PREFACE)) return { transportProtocol: 'raw_buffer', applicationProtocols: ['h2c'] };
  const line = head.slice(0, head.indexOf('\n') + 1);
  const m = HTTP1_RE.exec(line);
  if (m) return { transportProtocol: 'raw_buffer', applicationProtocols: [m[1] === '0' ? 'http/1.0' : 'http/1.1'] };
  return { transportProtocol: 'raw_buffer', applicationProtocols: [] };
}

/**
 * Waits for the first bytes (up to `timeoutMs`), puts them back, and reports what they were.
 * Resolves undefined when the peer closed first or the timeout expired.
 */
export function sniff(socket: Socket, timeoutMs: number): Promise<SniffResult | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: SniffResult | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('close', onClose);
      resolve(r);
    };
    const onReadable = () => {
      const chunk = socket.read() as Buffer | null;
      if (chunk === null) return;
      socket.unshift(chunk);
      finish(classifyFirstBytes(chunk));
    };
    const onClose = () => finish(undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs > 0 ? timeoutMs : 15_000);
    socket.on('readable', onReadable);
    socket.once('close', onClose);
  });
}
