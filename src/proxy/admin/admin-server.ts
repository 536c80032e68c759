// The proxy's admin server (Envoy's admin endpoints): /ready, /stats, /stats/prometheus,
// /config_dump, /clusters, /listeners, /server_info and POST /quitquitquit.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProxyConfigSource } from '../config-source.js';
import type { ProxyServer } from '../proxy.js';
import { clustersJson, clustersText } from './clusters-view.js';
import { configDump } from './config-dump.js';

export interface AdminServerOptions {
  server: ProxyServer;
  source: ProxyConfigSource;
  address: string;
  port: number;
  onQuit: () => Promise<void>;
}

export interface AdminServer {
  address(): AddressInfo | undefined;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=UTF-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-cache, max-age=0' });
  res.end(body);
}

function json(res: ServerResponse, value: unknown): void {
  send(res, 200, `${JSON.stringify(value, null, 2)}\n`, 'application/json');
}

export function serverState(server: ProxyServer): 'LIVE' | 'DRAINING' | 'PRE_INITIALIZING' {
  if (server.draining) return 'DRAINING';
  return server.initialized ? 'LIVE' : 'PRE_INITIALIZING';
}

function handle(o: AdminServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://admin');
  const server = o.server;
  const format = url.searchParams.get('format');
  switch (url.pathname) {
    case '/ready': {
      const state = serverState(server);
      // A listener that could not bind serves nobody: the pod must not look ready (kubelet probes this).
      const unbound = server.listeners.bindErrors();
      if (state === 'LIVE' && unbound.length > 0) {
        send(res, 503, `LIVE, but listeners failed to bind: ${unbound.join('; ')}\n`);
        return;
      }
      send(res, state === 'LIVE' ? 200 : 503, `${state}\n`);
      return;
    }
    case '/stats': {
      const filterText = url.searchParams.get('filter');
      let filter: RegExp | undefined;
      if (filterText) {
        try {
          filter = new RegExp(filterText);
        } catch {
          send(res, 400, `invalid regex in filter: ${filterText}\n`);
          return;
        }
      }
      if (format === 'json') {
        json(res, { stats: server.stats.all().filter((s) => !filter || filter.test(s.name)).map((s) => ({ name: s.name, value: s.value })) });
      } else send(res, 200, server.stats.formatText(filter));
      return;
    }
    case '/stats/prometheus':
      send(res, 200, server.stats.formatPrometheus(), 'text/plain; version=0.0.4; charset=utf-8');
      return;
    case '/config_dump':
      json(res, configDump(server, o.source, url.searchParams.has('include_eds')));
      return;
    case '/clusters':
      if (format === 'json') json(res, clustersJson(server));
      else send(res, 200, clustersText(server));
      return;
    case '/listeners': {
      const statuses = server.listeners.status(server.current);
      if (format === 'json') {
        json(res, {
          listener_statuses: statuses.map((s) => ({
            name: s.name,
            local_address: { socket_address: { address: s.address.slice(0, s.address.lastIndexOf(':')), port_value: s.boundPort ?? Number(s.address.slice(s.address.lastIndexOf(':') + 1)) } },
            ...(s.error ? { error: s.error } : {}),
          })),
        });
      } else send(res, 200, statuses.map((s) => `${s.name}::${s.address}${s.boundPort !== undefined ? ` (bound ${s.boundPort})` : ''}${s.error ? ` ERROR ${s.error}` : ''}\n`).join(''));
      return;
    }
    case '/server_info':
      json(res, {
        version: 'skiff-proxy/0.1.0',
        state: serverState(server),
        hot_restart_version: 'disabled',
        uptime_current_epoch: `${Math.floor((Date.now() - server.startedAt) / 1000)}s`,
        uptime_all_epochs: `${Math.floor((Date.now() - server.startedAt) / 1000)}s`,
        node: { id: server.identity.nodeId, cluster: server.identity.cluster, user_agent_name: 'skiff-proxy' },
        command_line_options: { service_node: server.identity.nodeId, service_cluster: server.identity.cluster },
      });
      return;
    case '/quitquitquit':
      if (req.method !== 'POST') {
        send(res, 405, 'This endpoint requires POST\n');
        return;
      }
      send(res, 200, 'OK\n');
      void o.onQuit();
      return;
    case '/':
      send(res, 200, ['/ready', '/stats', '/stats/prometheus', '/config_dump', '/clusters', '/listeners', '/server_info', '/quitquitquit (POST)'].join('\n') + '\n');
      return;
    default:
      send(res, 404, `invalid path: ${url.pathname}\n`);
  }
}

export async function startAdminServer(o: AdminServerOptions): Promise<AdminServer> {
  const http: Server = createServer((req, res) => {
    try {
      handle(o, req, res);
    } catch (e) {
      send(res, 500, `admin error: ${(e as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, o.address, () => resolve());
  });
  return {
    address: () => {
      const a = http.address();
      return a && typeof a === 'object' ? a : undefined;
    },
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
