// The CORS filter: answers preflight requests from allowed origins and adds the CORS response
// headers to actual requests, following the route's (or virtual host's) CorsPolicy.

import { headerValue } from '../../../config/request-view.js';
import type { FilterContext, HttpFilter } from '../../filter.js';
import type { CorsPolicy } from './config.js';

export class CorsFilter implements HttpFilter {
  constructor(readonly name: string) {}

  onRequest(ctx: FilterContext): void {
    const policy = ctx.perFilterConfig(this.name) as CorsPolicy | undefined;
    if (!policy || typeof policy !== 'object' || !('allowOrigins' in policy)) return;
    const origin = headerValue(ctx.view.headers, 'origin');
    if (origin === undefined || origin === '') return;
    if (policy.enabled < 1 && Math.random() >= policy.enabled) return;
    const allowed = policy.allowOrigins.some((m) => m.matches(origin));
    const preflight = ctx.view.method === 'OPTIONS' && headerValue(ctx.view.headers, 'access-control-request-method') !== undefined;
    if (preflight) {
      if (!allowed) {
        if (policy.forwardNotMatchingPreflights) return;
        ctx.sendResponse(200, {}, undefined);
        return;
      }
      const headers: Record<string, string> = { 'access-control-allow-origin': origin };
      if (policy.allowMethods) headers['access-control-allow-methods'] = policy.allowMethods;
      if (policy.allowHeaders) headers['access-control-allow-headers'] = policy.allowHeaders;
      if (policy.maxAge) headers['access-control-max-age'] = policy.maxAge;
      if (policy.allowCredentials) headers['access-control-allow-credentials'] = 'true';
      if (policy.allowPrivateNetworkAccess && headerValue(ctx.view.headers, 'access-control-request-private-network') === 'true') {
        headers['access-control-allow-private-network'] = 'true';
      }
      ctx.sendResponse(200, headers, undefined);
      return;
    }
    if (!allowed) return;
    ctx.addResponseHeader('access-control-allow-origin', origin);
    if (policy.allowCredentials) ctx.addResponseHeader('access-control-allow-credentials', 'true');
    if (policy.exposeHeaders) ctx.addResponseHeader('access-control-expose-headers', policy.exposeHeaders);
  }
}
