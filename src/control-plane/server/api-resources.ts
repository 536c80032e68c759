// The resource verbs: list/watch and create on a collection; get, replace, merge patch and delete on
// an object. Objects are served at the version the path asks for: every served version of a kind
// shares one schema, so only apiVersion changes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiVersionOf } from '../../config/kinds.js';
import { splitApiVersion, type Resource } from '../../config/resource.js';
import type { ConfigStore } from '../store/config-store.js';
import { badRequest, notFound } from '../store/store-error.js';
import { drainBody, readJsonBody, requireJson, requireMergePatch } from './api-body.js';
import { sendJson } from './api-respond.js';
import { servedAs, type ResourceRoute } from './api-routes.js';
import { selectorFilter } from './api-selectors.js';
import { methodNotAllowed } from './api-status.js';
import { serveWatch, type WatchRegistry } from './api-watch.js';

export interface ResourceContext {
  store: ConfigStore;
  bodyLimit: number;
  watches: WatchRegistry;
}

const COLLECTION_METHODS = ['GET', 'POST'];
const OBJECT_METHODS = ['GET', 'PUT', 'PATCH', 'DELETE'];

export async function handleResource(ctx: ResourceContext, req: IncomingMessage, res: ServerResponse, route: ResourceRoute, query: URLSearchParams): Promise<void> {
  const pretty = query.get('pretty') === 'true' || query.get('pretty') === '1';
  const method = req.method === 'HEAD' ? 'GET' : req.method ?? 'GET';
  const { info, version, namespace, name } = route;
  const store = ctx.store;

  if (name === undefined) {
    if (method === 'GET') {
      const watch = query.get('watch');
      if (watch === 'true' || watch === '1') return serveWatch(ctx.watches, store, res, route, query);
      const filter = selectorFilter(query);
      const items = store.list(info, namespace).filter(filter).map((o) => servedAs(o, info, version));
      return sendJson(res, 200, { apiVersion: apiVersionOf(info, version), kind: `${info.kind}List`, metadata: { resourceVersion: store.resourceVersion() }, items }, pretty);
    }
    if (method === 'POST') {
      if (info.namespaced && namespace === undefined) throw methodNotAllowedOn(res, method, ['GET']);
      requireJson(req);
      const obj = objectFor(await readJsonBody(req, ctx.bodyLimit), route);
      return sendJson(res, 201, servedAs(await store.create(obj), info, version), pretty);
    }
    throw methodNotAllowedOn(res, method, info.namespaced && namespace === undefined ? ['GET'] : COLLECTION_METHODS);
  }

  switch (method) {
    case 'GET': {
      const obj = store.get(info, namespace, name);
      if (!obj) throw notFound(info, name);
      return sendJson(res, 200, servedAs(obj, info, version), pretty);
    }
    case 'PUT': {
      requireJson(req);
      const obj = objectFor(await readJsonBody(req, ctx.bodyLimit), route);
      return sendJson(res, 200, servedAs(await store.update(obj), info, version), pretty);
    }
    case 'PATCH': {
      requireMergePatch(req);
      const patch = await readJsonBody(req, ctx.bodyLimit);
      return sendJson(res, 200, servedAs(await store.patch(info, namespace, name, patch), info, version), pretty);
    }
    case 'DELETE': {
      // DeleteOptions (propagationPolicy, grace period) change nothing here: deletion is immediate.
      await drainBody(req, ctx.bodyLimit);
      return sendJson(res, 200, servedAs(await store.delete(info, namespace, name), info, version), pretty);
    }
    default:
      throw methodNotAllowedOn(res, method, OBJECT_METHODS);
  }
}

function methodNotAllowedOn(res: ServerResponse, method: string, allowed: string[]): Error {
  res.setHeader('allow', allowed.join(', '));
  return methodNotAllowed(method, allowed);
}

/**
 * The body of a create or replace, checked against its path: apiVersion and kind default to the
 * path's and must agree with it, and so must the namespace and (on an object's path) the name.
 */
function objectFor(body: unknown, route: ResourceRoute): Resource {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the request body must be a JSON object (a resource)');
  const obj = { ...(body as Record<string, unknown>) } as Resource;
  const { info, version } = route;
  const expected = apiVersionOf(info, version);
  if (obj.apiVersion === undefined) obj.apiVersion = expected;
  if (obj.kind === undefined) obj.kind = info.kind;
  if (typeof obj.apiVersion !== 'string' || splitApiVersion(obj.apiVersion).group !== info.group || !info.versions.includes(splitApiVersion(obj.apiVersion).version)) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== info.kind) throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${info.kind})`);
  if (obj.metadata === undefined) obj.metadata = {} as Resource['metadata'];
  if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) throw badRequest('metadata must be a JSON object');
  const meta = { ...obj.metadata };
  if (route.namespace !== undefined) {
    if (meta.namespace === undefined || meta.namespace === '') meta.namespace = route.namespace;
    else if (meta.namespace !== route.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (route.name !== undefined) {
    if (meta.name === undefined || meta.name === '') meta.name = route.name;
    else if (meta.name !== route.name) throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${route.name})`);
  }
  obj.metadata = meta;
  return obj;
}
