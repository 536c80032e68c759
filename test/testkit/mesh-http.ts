// Plain HTTP/1.1 calls to the mesh from outside it, as curl against the ingress gateway does:
// node:http rather than fetch, because the tests choose the Host header and read redirects and
// 404s as they come. Each call opens its own connection, so no call waits on another's socket.
import { request } from 'node:http';

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as the Host header (the gateway picks its virtual host by it). */
  host?: string;
  /** A `name=value` cookie, as a browser sends a session. */
  cookie?: string;
  body?: string;
  timeoutMs?: number;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Wall time from sending to the end of the body, in milliseconds. */
  ms: number;
}

export function httpCall(port: number, path: string, opts: HttpOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.host !== undefined) headers.host = opts.host;
  if (opts.cookie !== undefined) headers.cookie = opts.cookie;
  if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers, agent: false, timeout: opts.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        ms: performance.now() - started,
      }));
    });
    req.on('timeout', () => req.destroy(new Error(`${opts.method ?? 'GET'} ${path} on port ${port}: no answer within ${opts.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Runs `task` `n` times with at most `concurrency` in flight; results in call order. */
export async function repeat<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return results;
}

/** Which reviews version answered, from a pod name such as `reviews-v2-5b4c8f7d9-x2k4p`. */
export function reviewsVersionOf(podName: string | undefined): string | undefined {
  return podName ? /^reviews-(v\d+)-/.exec(podName)?.[1] : undefined;
}

/** What one product page shows about its reviews. */
export interface PageReviews {
  /** reviews-v1|v2|v3 from the `Reviews served by:` line; undefined when reviews failed. */
  version?: string;
  /** Star colour of the ratings (`black` for v2, `red` for v3), none for v1. */
  stars?: 'black' | 'red';
  /** The page showed the reviews error (reviews unreachable or timed out). */
  reviewsUnavailable: boolean;
  /** The reviews came back with the ratings error instead of stars. */
  ratingsUnavailable: boolean;
}

export function pageReviews(html: string): PageReviews {
  const served = /Reviews served by:<\/dt>\s*<u>([^<]*)<\/u>/.exec(html)?.[1];
  const colour = /<font color="(black|red)">\s*<span class="glyphicon glyphicon-star/.exec(html)?.[1] as 'black' | 'red' | undefined;
  return {
    version: reviewsVersionOf(served),
    stars: colour,
    reviewsUnavailable: html.includes('Sorry, product reviews are currently unavailable for this book.'),
    ratingsUnavailable: html.includes('Ratings service is currently unavailable'),
  };
}

/** Counts of each value in `items`. */
export function tally(items: readonly (string | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i ?? 'none'] = (out[i ?? 'none'] ?? 0) + 1;
  return out;
}

/**
 * The range a binomial count of `n` trials at probability `p` stays in except with odds of about
 * one in 1.7 million per check: mean ± 5 standard deviations (clamped to [0, n]). Weighted routing
 * is asserted with it, so a correct split never fails and a wrong one (another weight, one
 * subset only) lands far outside.
 */
export function binomialRange(n: number, p: number, sigmas = 5): { min: number; max: number } {
  const mean = n * p;
  const sd = Math.sqrt(n * p * (1 - p));
  return { min: Math.max(0, Math.floor(mean - sigmas * sd)), max: Math.min(n, Math.ceil(mean + sigmas * sd)) };
}
