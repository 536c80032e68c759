// Bookinfo's product page (Istio's is Python/Flask). It calls details with a 3 s timeout and
// reviews with a 3 s timeout tried twice — the deliberate bug the fault-injection task relies on
// (a 7 s ratings delay shows the reviews error after about 6 s). A signed-in user travels to the
// backends as the `end-user` header.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { forwardHeaders, get, sendJson, sendText, serve } from '../../shared/app-http.js';
import { renderProductPage, type PageModel } from './productpage-html.js';

const detailsUrl = `http://${process.env.DETAILS_HOSTNAME ?? 'details'}:${process.env.DETAILS_SERVICE_PORT ?? '9080'}/details`;
const reviewsUrl = `http://${process.env.REVIEWS_HOSTNAME ?? 'reviews'}:${process.env.REVIEWS_SERVICE_PORT ?? '9080'}/reviews`;
const ratingsUrl = `http://${process.env.RATINGS_HOSTNAME ?? 'ratings'}:${process.env.RATINGS_SERVICE_PORT ?? '9080'}/ratings`;

const PRODUCTS = [{
  id: 0,
  title: 'The Comedy of Errors',
  descriptionHtml: '<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>: The Comedy of Errors is one of <b>William Shakespeare\'s</b> early plays. It is his shortest and one of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken identity, in addition to puns and word play.',
}];

const DETAILS_ERROR = 'Sorry, product details are currently unavailable for this book.';
const REVIEWS_ERROR = 'Sorry, product reviews are currently unavailable for this book.';
const RATINGS_ERROR = 'Sorry, product ratings are currently unavailable for this book.';

function sessionUser(req: IncomingMessage): string {
  const m = /(?:^|;\s*)session=([^;]*)/.exec(req.headers.cookie ?? '');
  if (!m) return '';
  try {
    return Buffer.from(decodeURIComponent(m[1]!), 'base64url').toString('utf8');
  } catch {
    return '';
  }
}

function outboundHeaders(req: IncomingMessage): Record<string, string> {
  const user = sessionUser(req);
  const headers = forwardHeaders(req);
  delete headers.cookie;
  if (user) headers['end-user'] = user;
  return headers;
}

async function fetchJson(url: string, headers: Record<string, string>, timeoutMs: number, tries: number): Promise<{ status: number; body?: any }> {
  let status = 500;
  for (let i = 0; i < tries; i++) {
    try {
      const r = await get(url, headers, timeoutMs);
      if (r.status === 200) return { status: 200, body: JSON.parse(r.body) };
      status = r.status;
    } catch {
      status = 500;
    }
  }
  return { status };
}

async function productDetails(id: number, headers: Record<string, string>) {
  const r = await fetchJson(`${detailsUrl}/${id}`, headers, 3000, 1);
  return r.status === 200 ? { status: 200, body: r.body } : { status: r.status, body: { error: DETAILS_ERROR } };
}

async function productReviews(id: number, headers: Record<string, string>) {
  const r = await fetchJson(`${reviewsUrl}/${id}`, headers, 3000, 2);
  return r.status === 200 ? { status: 200, body: r.body } : { status: r.status, body: { error: REVIEWS_ERROR } };
}

async function productRatings(id: number, headers: Record<string, string>) {
  const r = await fetchJson(`${ratingsUrl}/${id}`, headers, 3000, 1);
  return r.status === 200 ? { status: 200, body: r.body } : { status: r.status, body: { error: RATINGS_ERROR } };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 64 * 1024) break;
    chunks.push(c as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function redirect(res: ServerResponse, location: string, cookie?: string): void {
  const headers: Record<string, string> = { location, 'content-length': '0' };
  if (cookie !== undefined) headers['set-cookie'] = cookie;
  res.writeHead(302, headers);
  res.end();
}

const STYLE = 'body{font-family:Helvetica,Arial,sans-serif}.text-primary{color:#337ab7}.text-center{text-align:center}\n';

serve('productpage', async (req, res, url) => {
  const path = url.pathname;
  if (path === '/health') return sendText(res, 200, 'Product page is healthy');
  if (path === '/' || path === '/index.html') {
    return sendText(res, 200, '<!DOCTYPE html><html><head><title>Simple Bookstore App</title></head><body><h3>Hello! This is a simple bookstore application consisting of three services as shown below</h3><p><a href="productpage?u=normal">Normal user</a></p><p><a href="productpage?u=test">Test user</a></p></body></html>', 'text/html; charset=utf-8');
  }
  if (path === '/login' && req.method === 'POST') {
    const user = (await readForm(req)).get('username') ?? '';
    return redirect(res, '/productpage', `session=${Buffer.from(user, 'utf8').toString('base64url')}; Path=/; HttpOnly`);
  }
  if (path === '/logout') return redirect(res, '/productpage', 'session=; Path=/; Max-Age=0');
  if (path === '/productpage') {
    const headers = outboundHeaders(req);
    const [details, reviews] = await Promise.all([productDetails(0, headers), productReviews(0, headers)]);
    const model: PageModel = { user: sessionUser(req), product: PRODUCTS[0]!, details: details.body, reviews: reviews.body };
    return sendText(res, 200, renderProductPage(model), 'text/html; charset=utf-8');
  }
  if (path.startsWith('/static/')) {
    if (path.endsWith('.css')) return sendText(res, 200, STYLE, 'text/css');
    return sendText(res, 404, 'not found');
  }
  if (path === '/api/v1/products') return sendJson(res, 200, PRODUCTS);
  const m = /^\/api\/v1\/products\/(\d+)(?:\/(reviews|ratings))?$/.exec(path);
  if (m) {
    const id = Number(m[1]);
    const headers = outboundHeaders(req);
    const r = m[2] === 'reviews' ? await productReviews(id, headers) : m[2] === 'ratings' ? await productRatings(id, headers) : await productDetails(id, headers);
    return sendJson(res, r.status, r.body);
  }
  sendText(res, 404, 'not found');
});
