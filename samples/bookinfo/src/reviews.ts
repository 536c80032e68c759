// Bookinfo's reviews service (Istio's is Java/Liberty). v1 shows no stars; v2 calls ratings and
// shows black stars, v3 red ones. The ratings timeouts are the originals': 10 s for v2, 2.5 s for
// v3, which the timeout and fault-injection tasks rely on.
import { forwardHeaders, get, sendJson, serve } from '../../shared/app-http.js';

const version = process.env.SERVICE_VERSION ?? 'v1';
const ratingsEnabled = (process.env.ENABLE_RATINGS ?? String(version !== 'v1')) === 'true';
const starColor = process.env.STAR_COLOR ?? (version === 'v3' ? 'red' : 'black');
const ratingsUrl = `http://${process.env.RATINGS_HOSTNAME ?? 'ratings'}:${process.env.RATINGS_SERVICE_PORT ?? '9080'}/ratings`;
const ratingsTimeoutMs = starColor === 'black' ? 10_000 : 2_500;
const podName = process.env.HOSTNAME ?? process.env.POD_NAME ?? `reviews-${version}`;

const REVIEWS = [
  { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
  { reviewer: 'Reviewer2', text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.' },
];

serve('reviews', async (req, res, url) => {
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'Reviews is healthy' });
  const m = /^\/reviews\/([^/]+)$/.exec(url.pathname);
  if (req.method !== 'GET' || !m) return sendJson(res, 404, { error: 'unsupported path' });
  const productId = m[1]!;
  let ratings: Record<string, number> | undefined;
  let ratingsError = false;
  if (ratingsEnabled) {
    try {
      const r = await get(`${ratingsUrl}/${productId}`, forwardHeaders(req), ratingsTimeoutMs);
      if (r.status === 200) ratings = (JSON.parse(r.body) as { ratings?: Record<string, number> }).ratings;
      else ratingsError = true;
    } catch {
      ratingsError = true;
    }
  }
  const reviews = REVIEWS.map((review) => {
    if (!ratingsEnabled) return review;
    if (ratingsError || !ratings) return { ...review, rating: { error: 'Ratings service is currently unavailable' } };
    return { ...review, rating: { stars: ratings[review.reviewer] ?? -1, color: starColor } };
  });
  sendJson(res, 200, { id: productId, podname: podName, clustername: 'null', reviews });
});
