// Writing responses: JSON bodies (pretty with `?pretty=true`, as the Kubernetes API server does)
// and Status failures.
import type { ServerResponse } from 'node:http';
import { statusOf } from './api-status.js';

export function sendJson(res: ServerResponse, code: number, body: unknown, pretty = false): void {
  const text = `${JSON.stringify(body, null, pretty ? 2 : undefined)}\n`;
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' });
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends the error as a Status; extra headers (Allow, Connection) go with it. */
export function sendError(res: ServerResponse, e: unknown, headers: Record<string, string> = {}, pretty = false): void {
  const status = statusOf(e);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  sendJson(res, status.code, status, pretty);
}
