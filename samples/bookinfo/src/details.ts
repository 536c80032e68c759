// Bookinfo's details service: the book's facts (Istio's details app is Ruby; the answers are the same).
import { sendJson, serve } from '../../shared/app-http.js';

export function bookDetails(id: number) {
  return {
    id,
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  };
}

serve('details', (req, res, url) => {
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'Details is healthy' });
  const m = /^\/details\/([^/]+)$/.exec(url.pathname);
  if (req.method === 'GET' && m) {
    const id = Number(m[1]);
    if (!Number.isInteger(id)) return sendJson(res, 400, { error: 'please provide numeric product id' });
    return sendJson(res, 200, bookDetails(id));
  }
  sendJson(res, 404, { error: 'unsupported path' });
});
