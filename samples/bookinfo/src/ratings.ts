// Bookinfo's ratings service: two reviewers' stars per product (Istio's ratings app is Node.js).
// SERVICE_VERSION=v-faulty fails half the requests and v-delayed delays them, as the original can.
import { sendJson, serve } from '../../shared/app-http.js';

const version = process.env.SERVICE_VERSION ?? 'v1';

serve('ratings', async (req, res, url) => {
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'Ratings is healthy' });
  const m = /^\/ratings\/([^/]+)$/.exec(url.pathname);
  if (req.method === 'GET' && m) {
    const id = Number(m[1]);
    if (!Number.isInteger(id)) return sendJson(res, 400, { error: 'please provide numeric product ID' });
    if (version === 'v-faulty' && Math.random() < 0.5) return sendJson(res, 503, { error: 'Service unavailable' });
    if (version === 'v-delayed' && Math.random() < 0.5) await new Promise((r) => setTimeout(r, 7000));
    if (version === 'v-unavailable') return sendJson(res, 503, { error: 'Service unavailable' });
    return sendJson(res, 200, { id, ratings: { Reviewer1: 5, Reviewer2: 4 } });
  }
  sendJson(res, 404, { error: 'unsupported path' });
});
