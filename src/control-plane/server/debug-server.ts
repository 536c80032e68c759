// istiod's debug endpoints on the control plane's HTTP port (JSON unless noted):
//   /debug/syncz                     per proxy: CDS/LDS/EDS/RDS sync state, nonces, versions
//   /debug/config_dump?proxyID=ID    one proxy's config in Envoy's ConfigDump shape (&source=current:
//                                    what the current push would send it now)
//   /debug/registryz                 services with hostnames, ports and endpoints
//   /debug/configz                   the config the push is built from
//   /debug/route?from=…&url=…        `skiff x route`: a request simulated through a proxy's config
//   /metrics                         Prometheus text: pilot_xds_pushes, pilot_xds, …
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PushContextBuilder } from '../model/push-builder.js';
import type { PushContext } from '../model/push-context.js';
import type { ConfigStore } from '../store/config-store.js';
import type { PilotProxyState } from '../translate/xds-generator.js';
import type { AdsServer } from './ads-server.js';
import type { RequestHandler } from './api-server.js';
import { buildConfigDump, type DumpSource } from './debug-config-dump.js';
import { configz } from './debug-configz.js';
import { formatPushMetrics, PushTriggerCounter } from './debug-metrics.js';
import { findConnectedProxy } from './debug-proxy-lookup.js';
import { registryz } from './debug-registryz.js';
import { answerRouteQuery } from './debug-route.js';
import { syncz } from './debug-syncz.js';

export interface DebugOptions {
  readonly ads: AdsServer<PushContext, PilotProxyState>;
  readonly store: ConfigStore;
  readonly pushes?: PushContextBuilder;
  /** Shown as the ISTIOD column of proxy-status; the ADS server's control_plane identifier. */
  readonly controlPlaneId?: string;
}

export const DEBUG_ENDPOINTS: readonly string[] = ['/debug/syncz', '/debug/config_dump', '/debug/registryz', '/debug/configz', '/debug/route', '/metrics'];

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache' });
  res.end(text);
}

function text(res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-cache' });
  res.end(body);
}

/** Mounts the debug endpoints and /metrics with `mount` (the control plane's API server). */
export function mountDebug(mount: (prefix: string, handler: RequestHandler) => void, options: DebugOptions): void {
  const { ads, store, pushes } = options;
  const istiod = options.controlPlaneId ?? 'skiff';
  const triggers = new PushTriggerCounter();
  pushes?.subscribe((_push, request) => triggers.record(request));

  const proxyVersion = (nodeId: string): string => {
    const p = ads.connectedProxies().find((c) => c.nodeId === nodeId);
    return p?.node.user_agent_version ?? '';
  };

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => void> = {
    '/debug/syncz': (_req, res) => json(res, 200, syncz(ads.syncStatus(), istiod, proxyVersion)),
    '/debug/config_dump': (_req, res, url) => {
      const source = (url.searchParams.get('source') ?? 'sent') as DumpSource;
      if (source !== 'sent' && source !== 'current') return json(res, 400, { error: `source must be "sent" (what the proxy was sent) or "current" (what the current push would send), not "${source}"` });
      const found = findConnectedProxy(ads.connectedProxies(), url.searchParams.get('proxyID'));
      if (!found.ok) return json(res, found.status, { error: found.error });
      const resources = ads.proxyResources(found.proxy.connectionId, source);
      if (!resources) return json(res, 404, { error: `proxy ${found.proxy.nodeId} disconnected` });
      const sync = ads.syncStatus().find((s) => s.connectionId === found.proxy.connectionId)?.xds ?? [];
      json(res, 200, buildConfigDump(resources, sync, source));
    },
    '/debug/registryz': (_req, res) => {
      const push = ads.current();
      if (!push) return json(res, 503, { error: 'the control plane has not built its first push yet' });
      json(res, 200, registryz(push));
    },
    '/debug/configz': (_req, res) => json(res, 200, configz(store, ads.current())),
    '/debug/route': (_req, res, url) => {
      const answer = answerRouteQuery({ push: ads.current(), connected: ads.connectedProxies(), deployments: store.list({ group: 'apps', kind: 'Deployment' }), query: url.searchParams });
      json(res, answer.status, answer.body);
    },
    '/metrics': (_req, res) => text(res, 200, ads.formatPrometheus() + formatPushMetrics(triggers, ads.current()), 'text/plain; version=0.0.4; charset=utf-8'),
  };

  const handler: RequestHandler = (req, res, url) => {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/debug') return json(res, 200, { endpoints: DEBUG_ENDPOINTS });
    const route = routes[path];
    if (!route) return json(res, 404, { error: `no debug endpoint ${url.pathname}; the endpoints are ${DEBUG_ENDPOINTS.join(', ')}` });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET');
      return json(res, 405, { error: `${path} answers GET only` });
    }
    route(req, res, url);
  };
  mount('/debug', handler);
  mount('/metrics', handler);
}
