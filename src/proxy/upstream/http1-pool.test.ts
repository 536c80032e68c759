import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { Http1Pool, type Http1PoolOptions } from './http1-pool.js';

// A raw upstream: each connection gets an id; `respond` sees every complete request head (and its
// body, read by Content-Length or chunked framing) and writes whatever bytes it likes.
interface RawRequest {
  connection: number;
  head: string;
  body: string;
}

let server: Server;
let port = 0;
let nextConnection = 0;
const received: RawRequest[] = [];
let respond: (req: RawRequest, socket: Socket) => void = () => undefined;

function parseRequests(buf: string, connection: number, socket: Socket): string {
  for (;;) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return buf;
    const head = buf.slice(0, end);
    let rest = buf.slice(end + 4);
    let body = '';
    const cl = /content-length: (\d+)/i.exec(head);
    if (/transfer-encoding: chunked/i.test(head)) {
      const done = rest.indexOf('0\r\n\r\n');
      if (done < 0) return buf;
      const raw = rest.slice(0, done);
      for (let r = raw; r.length > 0; ) {
        const nl = r.indexOf('\r\n');
        const size = Number.parseInt(r.slice(0, nl), 16);
        body += r.slice(nl + 2, nl + 2 + size);
        r = r.slice(nl + 2 + size + 2);
      }
      rest = rest.slice(done + 5);
    } else if (cl) {
      if (rest.length < Number(cl[1])) return buf;
      body = rest.slice(0, Number(cl[1]));
      rest = rest.slice(Number(cl[1]));
    }
    const req = { connection, head, body };
    received.push(req);
    respond(req, socket);
    buf = rest;
  }
}

before(async () => {
  server = createServer((socket) => {
    const id = ++nextConnection;
    let buf = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      buf = parseRequests(buf + d, id, socket);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((r) => server.close(() => r())));

function pool(extra: Partial<Http1PoolOptions> = {}): Http1Pool {
  return new Http1Pool({ address: '127.0.0.1', port, connections: null, connectTimeoutMs: 2000, maxRequests: 0, keepAliveTimeoutMs: 60_000, keepAliveMaxTimeoutMs: 600_000, ...extra });
}

interface Outcome {
  started: boolean;
  status?: number;
  headers?: Record<string, string | string[]>;
  body: string;
  trailers?: Record<string, string | string[]>;
  error?: Error;
}

type Controller = { pause(): void; resume(): void; abort(e?: Error): void };

function send(p: Http1Pool, request: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer | PassThrough | null }, hooks: { onData?: (c: Controller) => void; onStart?: (c: Controller) => void } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { started: false, body: '' };
    p.dispatch(
      { origin: 'http://ignored', method: request.method ?? 'GET', path: request.path ?? '/', headers: request.headers ?? {}, body: request.body ?? null },
      {
        onRequestStart(c) {
          out.started = true;
          hooks.onStart?.(c as unknown as Controller);
        },
        onResponseStart(_c, status, headers) {
          out.status = status;
          out.headers = headers as Record<string, string | string[]>;
        },
        onResponseData(c, chunk) {
          out.body += chunk.toString('latin1');
          hooks.onData?.(c as unknown as Controller);
        },
        onResponseEnd(_c, trailers) {
          out.trailers = trailers as Record<string, string | string[]>;
          resolve(out);
        },
        onResponseError(_c, err) {
          out.error = err;
          resolve(out);
        },
      },
    );
  });
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body, 'latin1')}\r\n${extra}\r\n${body}`;

test('sequential requests share one keep-alive connection; the head carries Host, Connection and framing', async () => {
  respond = (_req, s) => s.write(ok('hi'));
  received.length = 0;
  const p = pool();
  const a = await send(p, { path: '/a?x=1', headers: { host: 'reviews:9080', 'x-one': 'one', 'x-many': ['1', '2'] as unknown as string } });
  const b = await send(p, { method: 'POST', path: '/b', headers: { host: 'reviews:9080' } });
  const c = await send(p, { method: 'PUT', path: '/c', body: Buffer.from('data') });
  assert.deepEqual([a.status, a.body, b.status, c.status], [200, 'hi', 200, 200]);
  assert.deepEqual(received.map((r) => r.connection), [received[0]!.connection, received[0]!.connection, received[0]!.connection]);
  assert.equal(received[0]!.head, 'GET /a?x=1 HTTP/1.1\r\nhost: reviews:9080\r\nconnection: keep-alive\r\nx-one: one\r\nx-many: 1\r\nx-many: 2');
  assert.match(received[1]!.head, /^POST \/b HTTP\/1\.1\r\nhost: reviews:9080\r\nconnection: keep-alive\r\ncontent-length: 0$/);
  assert.match(received[2]!.head, new RegExp(`^PUT /c HTTP/1\\.1\\r\\nhost: 127\\.0\\.0\\.1:${port}\\r\\nconnection: keep-alive\\r\\ncontent-length: 4$`));
  assert.equal(received[2]!.body, 'data');
  await p.close();
});

test('a streamed body goes chunked without a Content-Length, as declared with one', async () => {
  respond = (req, s) => s.write(ok(`got ${req.body}`));
  received.length = 0;
  const p = pool();
  const chunked = new PassThrough();
  const pending = send(p, { method: 'POST', body: chunked });
  chunked.write('hello ');
  setTimeout(() => chunked.end('world'), 10);
  assert.equal((await pending).body, 'got hello world');
  assert.match(received[0]!.head, /transfer-encoding: chunked$/);
  const sized = new PassThrough();
  const pending2 = send(p, { method: 'POST', headers: { 'content-length': '3' }, body: sized });
  sized.end('abc');
  assert.equal((await pending2).body, 'got abc');
  assert.match(received[1]!.head, /content-length: 3$/);
  await p.close();
});

test('repeated response headers become arrays, bytes pass as latin1, chunked trailers arrive at the end', async () => {
  respond = (_req, s) =>
    s.write('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Name: caf\xe9\r\nTransfer-Encoding: chunked\r\nTrailer: grpc-status\r\n\r\n3\r\nabc\r\n0\r\ngrpc-status: 0\r\n\r\n', 'latin1');
  const p = pool();
  const r = await send(p, {});
  assert.deepEqual(r.headers?.['set-cookie'], ['a=1', 'b=2']);
  assert.equal(r.headers?.['x-name'], 'caf\xe9');
  assert.equal(r.body, 'abc');
  assert.deepEqual(r.trailers, { 'grpc-status': '0' });
  await p.close();
});

test('hop-by-hop response headers stay with the connection; end-to-end ones and Content-Length pass', async () => {
  respond = (_req, s) =>
    s.write('HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=30\r\nX-Hop: 1\r\nProxy-Connection: keep-alive\r\nX-End: 2\r\nContent-Length: 2\r\n\r\nok');
  const p = pool();
  const r = await send(p, {});
  assert.deepEqual(r.headers, { 'x-end': '2', 'content-length': '2' });
  assert.equal(r.body, 'ok');
  await p.close();
});

test('broken responses: parse errors are HTTPParserError, an early close is UND_ERR_SOCKET, a refused connect never starts', async () => {
  const p = pool();
  respond = (_req, s) => s.end('HELLO THERE\r\n\r\n');
  const garbage = await send(p, {});
  assert.equal(garbage.error?.name, 'HTTPParserError');
  respond = (_req, s) => s.end('HTTP/1.1 200 OK\r\nX-Partial: yes\r\nContent-Ty');
  const midHeaders = await send(p, {});
  assert.equal((midHeaders.error as { code?: string }).code, 'UND_ERR_SOCKET');
  assert.equal(midHeaders.started, true);
  respond = (_req, s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
  const truncated = await send(p, {});
  assert.equal(truncated.status, 200);
  assert.equal(truncated.error?.name, 'HTTPParserError');
  await p.close();
  const closed = new Http1Pool({ address: '127.0.0.1', port: 1, connections: null, connectTimeoutMs: 2000, maxRequests: 0, keepAliveTimeoutMs: 1000, keepAliveMaxTimeoutMs: 1000 });
  const refused = await send(closed, {});
  assert.equal((refused.error as { code?: string }).code, 'ECONNREFUSED');
  assert.equal(refused.started, false);
  await closed.close();
});

test('with one connection allowed, a second request waits for it and then uses it', async () => {
  const held: Socket[] = [];
  respond = (_req, s) => held.push(s);
  received.length = 0;
  const p = pool({ connections: 1 });
  const first = send(p, { path: '/1' });
  const second = send(p, { path: '/2' });
  while (received.length < 1) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(received.length, 1, 'the second request is queued, not sent on a second connection');
  respond = (_req, s) => s.write(ok('two'));
  held[0]!.write(ok('one'));
  assert.equal((await first).body, 'one');
  assert.equal((await second).body, 'two');
  assert.equal(received[1]!.connection, received[0]!.connection);
  await p.close();
});

// A paused connection that went idle would hang the next request: the timeout turns that into a failure.
test('a connection paused for backpressure and finished still serves the next request', { timeout: 10_000 }, async () => {
  respond = (_req, s) => s.write(ok('x'.repeat(1000)));
  received.length = 0;
  const p = pool();
  const a = await send(p, {}, { onData: (c) => c.pause() });
  const b = await send(p, {});
  assert.equal(a.body.length, 1000);
  assert.equal(b.body.length, 1000);
  assert.equal(received[1]!.connection, received[0]!.connection);
  await p.close();
});

test('connections retire: max requests per connection, a short keep-alive hint, Connection: close, HEAD', async () => {
  received.length = 0;
  respond = (_req, s) => s.write(ok('m'));
  const limited = pool({ maxRequests: 2 });
  for (let i = 0; i < 3; i++) await send(limited, {});
  assert.deepEqual(received.map((r) => /connection: (\S+)/.exec(r.head)![1]), ['keep-alive', 'close', 'keep-alive']);
  assert.equal(received[1]!.connection, received[0]!.connection);
  assert.notEqual(received[2]!.connection, received[1]!.connection);
  await limited.close();

  for (const [extra, method] of [['keep-alive: timeout=2\r\n', 'GET'], ['connection: close\r\n', 'GET'], ['', 'HEAD']] as const) {
    received.length = 0;
    respond = (_req, s) => s.write(method === 'HEAD' ? `HTTP/1.1 200 OK\r\ncontent-length: 5\r\n${extra}\r\n` : ok('r', extra));
    const p = pool();
    await send(p, { method });
    await send(p, { method });
    assert.notEqual(received[1]!.connection, received[0]!.connection, `${extra || method}: a new connection`);
    await p.close();
  }
});

test('1xx responses are skipped; the final response follows on the same exchange', async () => {
  respond = (_req, s) => s.write(`HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n${ok('final')}`);
  const p = pool();
  const r = await send(p, {});
  assert.equal(r.status, 200);
  assert.equal(r.body, 'final');
  await p.close();
});

test('an aborted exchange fails once and spends its connection; destroy fails what is queued', async () => {
  const held: Socket[] = [];
  respond = (_req, s) => held.push(s);
  const p = pool({ connections: 1 });
  const first = send(p, {}, { onStart: (c) => setTimeout(() => c.abort(new Error('discarded')), 20) });
  const queued = send(p, {});
  assert.equal((await first).error?.message, 'discarded');
  // The aborted exchange's connection closes; the queued request gets a fresh one.
  respond = (_req, s) => s.write(ok('after'));
  assert.equal((await queued).body, 'after');
  respond = (_req, s) => held.push(s);
  const inFlight = send(p, {});
  const waiting = send(p, {});
  await new Promise((r) => setTimeout(r, 30));
  await p.destroy();
  assert.equal(((await inFlight).error as { code?: string }).code, 'UND_ERR_DESTROYED');
  assert.equal(((await waiting).error as { code?: string }).code, 'UND_ERR_DESTROYED');
  const late = await send(p, {});
  assert.equal((late.error as { code?: string }).code, 'UND_ERR_DESTROYED');
});

test('header values that would split the request are refused before anything is sent', async () => {
  received.length = 0;
  const p = pool();
  const r = await send(p, { headers: { 'x-evil': 'a\r\nx-injected: 1' } });
  assert.equal((r.error as { code?: string }).code, 'UND_ERR_INVALID_ARG');
  const path = await send(p, { path: '/a b' });
  assert.equal((path.error as { code?: string }).code, 'UND_ERR_INVALID_ARG');
  assert.equal(received.length, 0);
  await p.close();
});
