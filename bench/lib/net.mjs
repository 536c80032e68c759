// Loopback ports and readiness checks. Everything the benchmarks start listens on 127.0.0.1 only.
import { createServer } from 'node:net';
import { request } from 'node:http';
import { processOutput, sleep } from './processes.mjs';

export const LOOPBACK = '127.0.0.1';

/** A port the kernel just handed out on 127.0.0.1 (bound, read, released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One GET; resolves to { status, bytes, body, headers } or rejects on a socket error. */
export function httpGet(port, path = '/', timeoutMs = 2000, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: LOOPBACK, port, path, headers, agent: false, timeout: timeoutMs }, (res) => {
      let bytes = 0;
      let body = '';
      res.on('data', (chunk) => {
        bytes += chunk.length;
        if (body.length < 65536) body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode, bytes, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET 127.0.0.1:${port}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Waits until GET / on `port` answers 200 with exactly `expectBytes` of body, i.e. the whole chain
 * (proxy, route, cluster, upstream) works. Fails early if `child` exits, quoting its output.
 */
export async function waitForHttp(port, { child, expectBytes, timeoutMs = 20_000, what = `127.0.0.1:${port}` } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null || child.spawnError)) {
      const why = child.spawnError ? child.spawnError.message : `exited with ${child.exitCode ?? child.signalCode}`;
      throw new Error(`${what} ${why} before it served: ${tail(processOutput(child))}`);
    }
    try {
      const res = await httpGet(port, '/', 1000);
      if (res.status === 200 && (expectBytes === undefined || res.bytes === expectBytes)) return;
      last = `status ${res.status}, ${res.bytes} bytes${res.status !== 200 ? `: ${res.body.slice(0, 200)}` : ''}`;
    } catch (e) {
      last = e.message;
    }
    await sleep(100);
  }
  throw new Error(`${what} did not answer 200 with a ${expectBytes ?? 'any'}-byte body within ${timeoutMs / 1000}s (last: ${last})${child ? `; output: ${tail(processOutput(child))}` : ''}`);
}

export function tail(text = '', max = 1500) {
  const t = text.trim();
  return t.length > max ? `…${t.slice(-max)}` : t || '(no output)';
}
