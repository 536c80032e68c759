// The customers service of the Istio getting-started tutorial (web-frontend → customers): v1
// answers names, v2 names and cities, so a traffic split is visible on the page.
import { sendJson, serve } from '../../shared/app-http.js';

const version = process.env.SERVICE_VERSION ?? 'v1';

const CUSTOMERS = [
  { name: 'Jewel Schaefer', city: 'Portland' },
  { name: 'Raleigh Larson', city: 'Seattle' },
  { name: 'Eloise Senger', city: 'San Francisco' },
  { name: 'Moshe Zieme', city: 'Austin' },
  { name: 'Filiberto Lubowitz', city: 'Chicago' },
  { name: 'Ms.Kadin Kling', city: 'Denver' },
  { name: 'Jennyfer Bergstrom', city: 'Boston' },
  { name: 'Candelario Rutherford', city: 'Miami' },
  { name: 'Kenyatta Flatley', city: 'Atlanta' },
  { name: 'Gianni Pouros', city: 'Phoenix' },
];

serve('customers', (req, res, url) => {
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
  if (req.method === 'GET' && url.pathname === '/') {
    return sendJson(res, 200, version === 'v1' ? CUSTOMERS.map(({ name }) => ({ name })) : CUSTOMERS);
  }
  sendJson(res, 404, { error: 'not found' });
});
