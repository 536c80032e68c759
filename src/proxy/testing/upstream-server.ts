// A small upstream HTTP server for proxy tests: answers with JSON describing the request it got
// (method, path, headers, its own name), or misbehaves on request via `x-test-*` headers.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestUpstream {
  readonly name: string;
  readonly port: number;
  readonly server: Server;
  readonly requests: SeenRequest[];
  /** Replaces the default handler; return true when the handler answered. */
  handler?: (req: IncomingMessage, res: ServerResponse, body: string) => boolean;
  close(): Promise<void>;
}

export async function startUpstream(name: string): Promise<TestUpstream> {
  const requests: SeenRequest[] = [];
  const upstream: TestUpstream = {
    name,
    port: 0,
    server: undefined as unknown as Server,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      if (upstream.handler?.(req, res, body)) return;
      const status = Number(req.headers['x-test-status'] ?? 200);
      const delay = Number(req.headers['x-test-delay-ms'] ?? 0);
      const payload = JSON.stringify({ upstream: name, method: req.method, path: req.url, headers: req.headers, body });
      const send = () => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-upstream': name });
        res.end(payload);
      };
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  Object.assign(upstream, { server, port: (server.address() as AddressInfo).port });
  return upstream;
}
