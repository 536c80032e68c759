// The little HTTP kit the sample apps share: a JSON/text server on $PORT, outbound calls that go
// through the sidecar (undici's EnvHttpProxyAgent honours HTTP_PROXY, as curl and Python do), and
// the tracing headers every Istio sample app forwards so spans join.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { EnvHttpProxyAgent, request } from 'undici';

/** Headers Istio's samples propagate from an inbound request to their outbound calls. */
export const PROPAGATED_HEADERS = [
  'x-request-id', 'traceparent', 'tracestate', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid',
  'x-b3-sampled', 'x-b3-flags', 'b3', 'x-ot-span-context', 'x-datadog-trace-id', 'x-datadog-parent-id',
  'x-datadog-sampling-priority', 'x-cloud-trace-context', 'grpc-trace-bin', 'end-user', 'user-agent', 'cookie',
];

export function forwardHeaders(req: IncomingMessage, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PROPAGATED_HEADERS) {
    const v = req.headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return { ...out, ...extra };
}

// Plain-HTTP calls go to the sidecar in absolute form (`GET http://reviews:9080/…`), as curl and
// Python send them; undici would otherwise open a CONNECT tunnel and hide the request from the mesh.
const dispatcher = new EnvHttpProxyAgent({ proxyTunnel: false });

export interface CallResult {
  status: number;
  body: string;
}

/** GET `url` with a timeout; rejects on timeout or connection failure. */
export async function get(url: string, headers: Record<string, string>, timeoutMs: number): Promise<CallResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  const res = await request(url, { method: 'GET', headers, dispatcher, signal });
  const body = await res.body.text();
  return { status: res.statusCode, body };
}

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Serves `handler` on $PORT (default 9080) on loopback; exits cleanly on SIGTERM/SIGINT. */
export function serve(name: string, handler: Handler): void {
  const port = Number(process.env.PORT ?? 9080);
  const host = process.env.HOST ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    Promise.resolve(handler(req, res, url)).catch((err: Error) => {
      console.error(`${name}: ${req.method} ${req.url} failed: ${err.message}`);
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });
  server.listen(port, host, () => console.log(`${name} listening on ${host}:${port}`));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
