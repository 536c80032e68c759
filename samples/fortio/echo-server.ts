// fortio's server side (`fortio server`): echoes requests, and honours fortio's query parameters
// `status=503` (or `503:50` for a percentage), `delay=250ms` and `size=1024`, which load tests and
// the circuit-breaking task use.
import { sendText, serve } from '../shared/app-http.js';

function pickStatus(spec: string | null): number {
  if (!spec) return 200;
  for (const part of spec.split(',')) {
    const [code, pct] = part.split(':');
    const p = pct === undefined ? 100 : Number(pct);
    if (Math.random() * 100 < p) return Number(code) || 200;
  }
  return 200;
}

function durationMs(spec: string | null): number {
  if (!spec) return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(spec);
  if (!m) return 0;
  return Math.min(Number(m[1]) * (m[2] === 's' ? 1000 : 1), 10_000);
}

serve('fortio', async (req, res, url) => {
  const delay = durationMs(url.searchParams.get('delay'));
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  for await (const _ of req) { /* drain the request body */ }
  const size = Math.min(Number(url.searchParams.get('size') ?? 0) || 0, 1 << 20);
  const body = size > 0 ? 'x'.repeat(size) : `${req.method} ${req.url} HTTP/${req.httpVersion}\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\n')}\n`;
  sendText(res, pickStatus(url.searchParams.get('status')), body);
});
