// The control plane's HTTP API on 127.0.0.1:15014: the Kubernetes-shaped resource API the CLI
// speaks (see api-routes.ts for the paths), discovery, /version and /healthz. Other parts of the
// control plane (debug, metrics) mount their own handlers on the same port. No request, however
// malformed, can take the server down: every failure becomes a Kubernetes Status.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfigStore } from '../store/config-store.js';
import { isStoreError } from '../store/store-error.js';
import { DEFAULT_BODY_LIMIT } from './api-body.js';
import { discoveryDocument, versionDocument } from './api-discovery.js';
import { handleResource } from './api-resources.js';
import { parsePodLogPath, servePodLog } from './api-pod-logs.js';
import { sendError, sendJson, sendText } from './api-respond.js';
import { parseApiPath } from './api-routes.js';
import { methodNotAllowed, pathNotFound } from './api-status.js';
import type { WatchRegistry } from './api-watch.js';

export const DEFAULT_API_PORT = 15014;

export interface ApiServerOptions {
  store: ConfigStore;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to 15014; 0 picks a free port. */
  port?: number;
  /** Largest accepted request body; 4 MiB by default. */
  bodyLimit?: number;
  log?: (message: string) => void;
  /**
   * Where the local runtime writes container logs (`<logRoot>/<ns>/<pod>/<container>.log`), served
   * at `/api/v1/namespaces/{ns}/pods/{name}/log`; unset, that path answers ServiceUnavailable.
   */
  logRoot?: string;
}

/** Serves one request under a mounted prefix. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export interface ApiServer {
  host: string;
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Serves every path starting with `prefix` (e.g. `/debug/`) with `handler`. */
  mount(prefix: string, handler: RequestHandler): void;
  /** Ends open watches and connections, then stops listening. */
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const watches: WatchRegistry = new Set();
  const mounts: { prefix: string; handler: RequestHandler }[] = [];
  const ctx = { store: options.store, bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, watches };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    const mount = mounts.find((m) => path.startsWith(m.prefix));
    if (mount) return mount.handler(req, res, url);
    if (path === '/healthz' || path === '/livez' || path === '/readyz') return getOnly(req, () => sendText(res, 200, 'ok'));
    if (path === '/version') return getOnly(req, () => sendJson(res, 200, versionDocument(), true));
    if (path !== '/api' && path !== '/apis' && !path.startsWith('/api/') && !path.startsWith('/apis/')) throw pathNotFound();
    const podLog = parsePodLogPath(path);
    if (podLog) return servePodLog({ store: options.store, logRoot: options.logRoot, streams: watches }, req, res, podLog, url.searchParams);
    const api = parseApiPath(path);
    if (api.type === 'resource') return handleResource(ctx, req, res, api, url.searchParams);
    return getOnly(req, () => sendJson(res, 200, discoveryDocument(api), true));
  };

  const server: Server = createServer((req, res) => {
    let url: URL;
    try {
      // Joined rather than resolved: a path like `//x/api` must not be read as a host.
      const target = req.url ?? '/';
      url = new URL(target.startsWith('/') ? `http://localhost${target}` : target);
    } catch {
      return sendError(res, pathNotFound());
    }
    route(req, res, url).catch((e: unknown) => {
      if (!isStoreError(e)) log(`api server: ${req.method} ${req.url} failed: ${(e as Error)?.stack ?? String(e)}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A body left unread (too large, refused early) would stall the connection: close it after replying.
      const unread = !req.readableEnded;
      sendError(res, e, unread ? { connection: 'close' } : {});
      if (unread) res.on('finish', () => req.destroy());
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(new Error(`cannot serve the control plane API on ${host}:${options.port ?? DEFAULT_API_PORT}: ${e.code === 'EADDRINUSE' ? 'the address is already in use' : e.message}`));
    };
    server.once('error', onError);
    server.listen(options.port ?? DEFAULT_API_PORT, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (e) => log(`api server: ${e.message}`));
  const port = (server.address() as AddressInfo).port;

  return {
    host, port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    mount(prefix, handler) {
      mounts.push({ prefix, handler });
      mounts.sort((a, b) => b.prefix.length - a.prefix.length);
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of watches) res.end();
      server.closeIdleConnections();
      // Requests still in flight get a moment to finish before their connections are cut.
      const cut = setTimeout(() => server.closeAllConnections(), 1000);
      cut.unref();
      await closed;
      clearTimeout(cut);
    },
  };
}

function getOnly(req: IncomingMessage, serve: () => void): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req.method ?? '', ['GET']);
  serve();
}
