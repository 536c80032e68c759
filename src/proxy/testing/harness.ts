// Starts a proxy driven by a StaticConfigSource and offers a plain HTTP client, for the proxy's
// integration tests (test/integration/proxy-*.test.ts). Everything binds to 127.0.0.1.

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { StaticConfigSource, type ProxyResources } from '../config-source.js';
import { startProxy, type RunningProxy } from '../main.js';
import type { ProxyRole } from '../listener/listener-manager.js';

export interface TestProxy {
  proxy: RunningProxy;
  source: StaticConfigSource;
  accessLog: string[];
  /** The bound port of a listener. */
  port(listener: string): number;
  adminPort(): number;
  stop(): Promise<void>;
}

export async function startTestProxy(resources: ProxyResources, role: ProxyRole = 'router', nodeMetadata?: Record<string, unknown>): Promise<TestProxy> {
  const source = new StaticConfigSource(resources);
  const accessLog: string[] = [];
  const proxy = await startProxy({
    role,
    nodeId: `${role}~127.0.0.1~test-0.default~default.svc.cluster.local`,
    configSource: source,
    adminPort: 0,
    nodeMetadata,
    log: () => undefined,
    accessLogCapture: (_path, line) => accessLog.push(line),
    drainTimeoutMs: 1000,
  });
  await proxy.ready();
  return {
    proxy,
    source,
    accessLog,
    port(listener) {
      const a = proxy.listenerAddress(listener);
      if (!a) throw new Error(`listener ${listener} is not bound`);
      return a.port;
    },
    adminPort() {
      return proxy.adminAddress()!.port;
    },
    stop: () => proxy.stop(),
  };
}

export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the request line in absolute form through an explicit proxy at `port`. */
  absoluteUrl?: string;
}

/** One HTTP/1.1 request on a fresh connection (no keep-alive pool left behind). */
export function httpGet(port: number, path: string, opts: RequestOptions = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: opts.absoluteUrl ?? path, method: opts.method ?? 'GET', headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
