// The web-frontend of the Istio getting-started tutorial: renders the customer list it gets from
// the customers service, forwarding the tracing headers and `user` (the tutorial routes
// `user: debug` to customers v2).
import { forwardHeaders, get, sendText, serve } from '../../shared/app-http.js';

const customersUrl = process.env.CUSTOMER_SERVICE_URL ?? 'http://customers.default.svc.cluster.local';

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

serve('web-frontend', async (req, res, url) => {
  if (url.pathname !== '/') return sendText(res, 404, 'not found');
  const headers = forwardHeaders(req);
  const user = req.headers.user;
  if (typeof user === 'string') headers.user = user;
  let rows: string;
  try {
    const r = await get(customersUrl, headers, 5000);
    if (r.status !== 200) throw new Error(`customers answered ${r.status}`);
    const customers = JSON.parse(r.body) as { name: string; city?: string }[];
    const withCity = customers.some((c) => c.city !== undefined);
    rows = `<tr><th>NAME</th>${withCity ? '<th>CITY</th>' : ''}</tr>\n${customers.map((c) => `<tr><td>${esc(c.name)}</td>${withCity ? `<td>${esc(c.city ?? '')}</td>` : ''}</tr>`).join('\n')}`;
  } catch (e) {
    rows = `<tr><td>Error: ${esc((e as Error).message)}</td></tr>`;
  }
  sendText(res, 200, `<!DOCTYPE html>\n<html><head><title>Customers</title></head><body>\n<h1>Customers</h1>\n<table>\n${rows}\n</table>\n</body></html>\n`, 'text/html; charset=utf-8');
});
