// Runs a fortio-style load: `connections` workers, each on its own keep-alive connection (through
// the pod's sidecar when HTTP_PROXY is set, as fortio in a mesh pod does), paced to the target qps
// or flat out, for an exact number of calls or a duration. Results are what fortio's summary reports.
import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import type { LoadOptions } from './load-options.js';

export interface LoadResult {
  startedAt: number;
  elapsedMs: number;
  /** Seconds per call, in completion order. */
  durations: number[];
  /** Status code → count; -1 counts calls that got no response (connection error, timeout). */
  codes: Map<number, number>;
  headerSizes: number[];
  totalSizes: number[];
  socketsUsed: number;
  errors: string[];
}

function makeDispatcher(env: NodeJS.ProcessEnv): Dispatcher {
  const httpProxy = env.http_proxy || env.HTTP_PROXY;
  const httpsProxy = env.https_proxy || env.HTTPS_PROXY;
  // One connection per worker, as fortio's `-c` means; plain-HTTP calls go to the proxy in absolute
  // form. The proxy comes from `env`, not undici's reading of process.env, so callers can choose.
  if (!httpProxy && !httpsProxy) return new Agent({ connections: 1 });
  return new EnvHttpProxyAgent({ connections: 1, proxyTunnel: false, httpProxy, httpsProxy, noProxy: env.no_proxy ?? env.NO_PROXY ?? '' });
}

function headerBytes(statusCode: number, headers: Record<string, string | string[] | undefined>): number {
  let n = `HTTP/1.1 ${statusCode}\r\n`.length + 2;
  for (const [k, v] of Object.entries(headers)) {
    for (const value of Array.isArray(v) ? v : [v ?? '']) n += k.length + 2 + value.length + 2;
  }
  return n;
}

export async function runLoad(opts: LoadOptions, env: NodeJS.ProcessEnv = process.env, onError?: (msg: string) => void): Promise<LoadResult> {
  const result: LoadResult = { startedAt: Date.now(), elapsedMs: 0, durations: [], codes: new Map(), headerSizes: [], totalSizes: [], socketsUsed: 0, errors: [] };
  const start = performance.now();
  const deadline = opts.calls === undefined ? start + opts.durationMs : Infinity;
  const perWorkerQps = opts.qps > 0 ? opts.qps / opts.connections : 0;
  let remaining = opts.calls ?? Infinity;

  const worker = async (index: number) => {
    const dispatcher = makeDispatcher(env);
    dispatcher.on('connect', () => result.socketsUsed++);
    let n = 0;
    try {
      for (;;) {
        if (remaining <= 0 || performance.now() >= deadline) break;
        remaining--;
        if (perWorkerQps > 0) {
          const due = start + (n / perWorkerQps) * 1000 + (index / opts.connections) * (1000 / perWorkerQps);
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        n++;
        const t0 = performance.now();
        let code = -1;
        try {
          const res = await request(opts.url, { method: opts.method as Dispatcher.HttpMethod, headers: opts.headers, dispatcher, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs });
          const body = Buffer.from(await res.body.arrayBuffer());
          code = res.statusCode;
          const hdr = headerBytes(res.statusCode, res.headers);
          result.headerSizes.push(hdr);
          result.totalSizes.push(hdr + body.length);
          if (code >= 400 && opts.logLevel !== 'Error' && opts.logLevel !== 'Critical' && opts.logLevel !== 'Fatal') {
            onError?.(`Non ok http code ${code}`);
          }
        } catch (e) {
          result.headerSizes.push(0);
          result.totalSizes.push(0);
          const msg = (e as Error).message;
          result.errors.push(msg);
          onError?.(`Unable to connect or read: ${msg}`);
        }
        result.durations.push((performance.now() - t0) / 1000);
        result.codes.set(code, (result.codes.get(code) ?? 0) + 1);
      }
    } finally {
      await dispatcher.close().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, (_, i) => worker(i)));
  result.elapsedMs = performance.now() - start;
  return result;
}
