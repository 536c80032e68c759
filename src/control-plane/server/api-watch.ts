// `?watch=true`: a chunked stream of newline-delimited JSON events, `{"type":"ADDED","object":{…}}`.
// Without a resourceVersion (or with "0") the stream opens with an ADDED event per current object,
// then follows changes; with one, it replays what happened after it. A version older than the
// store's history ends the stream with an ERROR event holding a 410 Expired Status, which tells
// kubectl and informers to relist.
import type { ServerResponse } from 'node:http';
import { splitApiVersion, type Resource } from '../../config/resource.js';
import type { ConfigStore, WatchEvent } from '../store/config-store.js';
import { badRequest, isStoreError } from '../store/store-error.js';
import { kindKey } from '../store/object-meta.js';
import { servedAs, type ResourceRoute } from './api-routes.js';
import { selectorFilter } from './api-selectors.js';
import { statusOf } from './api-status.js';

/** Open watch streams, so the server can end them when it closes. */
export type WatchRegistry = Set<ServerResponse>;

// A watcher that stops reading must not make the server buffer without bound: past this many
// unsent bytes it is cut off, and reconnects from its last resourceVersion.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export function serveWatch(watches: WatchRegistry, store: ConfigStore, res: ServerResponse, route: ResourceRoute, query: URLSearchParams): void {
  const { info, version, namespace } = route;
  const filter = selectorFilter(query);
  const key = kindKey(info);
  const sameKind = (o: Resource) => kindKey({ group: splitApiVersion(o.apiVersion).group, kind: o.kind }) === key;
  const wanted = (o: Resource) => (namespace === undefined || o.metadata.namespace === namespace) && filter(o);
  // As the Kubernetes watch cache does: an object modified into the selection is ADDED for this
  // watcher, one modified out of it is DELETED.
  const asSeen = (event: WatchEvent): WatchEvent | undefined => {
    if (!sameKind(event.object)) return undefined;
    const now = wanted(event.object);
    if (event.type !== 'MODIFIED' || !event.previous) return now ? event : undefined;
    const before = wanted(event.previous);
    if (now) return before ? event : { type: 'ADDED', object: event.object };
    return before ? { type: 'DELETED', object: event.object } : undefined;
  };

  const timeoutSeconds = query.get('timeoutSeconds');
  if (timeoutSeconds !== null && !/^\d+$/.test(timeoutSeconds)) {
    throw badRequest(`invalid timeoutSeconds "${timeoutSeconds}": expected a whole number of seconds`);
  }

  // Events arriving before the headers are out (the replay runs inside store.watch) wait here.
  let pending: WatchEvent[] | undefined = [];
  const write = (change: WatchEvent): void => {
    const event = asSeen(change);
    if (!event) return;
    if (pending) {
      pending.push(event);
      return;
    }
    send(res, { type: event.type, object: servedAs(event.object, info, version) });
    if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
  };

  const from = query.get('resourceVersion') ?? '';
  let unsubscribe: () => void;
  const initial: Resource[] = [];
  try {
    if (from === '' || from === '0') {
      // Listing and subscribing in the same synchronous step: no change can fall between them.
      initial.push(...store.list(info, namespace).filter(filter));
      unsubscribe = store.watch(write);
    } else {
      unsubscribe = store.watch(write, from);
    }
  } catch (e) {
    if (!isStoreError(e) || (e.reason !== 'Expired' && e.reason !== 'Gone')) throw e;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
    send(res, { type: 'ERROR', object: statusOf(e) });
    res.end();
    return;
  }

  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'x-content-type-options': 'nosniff' });
  res.flushHeaders();
  watches.add(res);
  const queued = pending;
  pending = undefined;
  for (const obj of initial) send(res, { type: 'ADDED', object: servedAs(obj, info, version) });
  for (const event of queued) send(res, { type: event.type, object: servedAs(event.object, info, version) });

  const timer = timeoutSeconds !== null ? setTimeout(() => res.end(), Number(timeoutSeconds) * 1000) : undefined;
  timer?.unref();
  res.on('close', () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    watches.delete(res);
  });
}

function send(res: ServerResponse, event: { type: string; object: unknown }): void {
  if (!res.writable) return;
  res.write(`${JSON.stringify(event)}\n`);
}
