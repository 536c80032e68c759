// Maps Kubernetes REST paths to what they address:
//   /api/v1/namespaces/{ns}/{plural}[/{name}]        namespaced, core group
//   /api/v1/{plural}[/{name}]                         all namespaces, or a cluster-scoped kind
//   /apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}]
//   /apis/{group}/{version}/{plural}[/{name}]
// and the discovery documents above them (/api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}).
import { apiVersionOf, kindByPlural, KINDS, type KindInfo } from '../../config/kinds.js';
import type { Resource } from '../../config/resource.js';
import { badRequest } from '../store/store-error.js';
import { pathNotFound } from './api-status.js';

export interface ResourceRoute {
  type: 'resource';
  info: KindInfo;
  version: string;
  /** The namespace in the path; undefined for cluster-scoped kinds and all-namespace lists. */
  namespace?: string;
  /** Set for an object's own path, unset for a collection. */
  name?: string;
}

export type DiscoveryRoute =
  | { type: 'api-versions' }
  | { type: 'api-groups' }
  | { type: 'api-group'; group: string }
  | { type: 'api-resources'; group: string; version: string };

export type ApiRoute = ResourceRoute | DiscoveryRoute;

/** The route for a path under /api or /apis; NotFound for anything else, BadRequest for bad escapes. */
export function parseApiPath(pathname: string): ApiRoute {
  const segments = pathname.split('/').filter((s) => s !== '').map(decode);
  const [root, ...rest] = segments;
  let group: string;
  let version: string;
  let tail: string[];
  if (root === 'api') {
    if (rest.length === 0) return { type: 'api-versions' };
    [version, ...tail] = rest as [string, ...string[]];
    group = '';
  } else if (root === 'apis') {
    if (rest.length === 0) return { type: 'api-groups' };
    if (rest[0] === '') throw pathNotFound();
    if (rest.length === 1) {
      if (!KINDS.some((k) => k.group === rest[0])) throw pathNotFound();
      return { type: 'api-group', group: rest[0]! };
    }
    [group, version, ...tail] = rest as [string, string, ...string[]];
  } else {
    throw pathNotFound();
  }
  if (!KINDS.some((k) => k.group === group && k.versions.includes(version))) throw pathNotFound();
  if (tail.length === 0) return { type: 'api-resources', group, version };
  return resourceRoute(group, version, tail);
}

function resourceRoute(group: string, version: string, tail: string[]): ResourceRoute {
  let namespace: string | undefined;
  let plural: string;
  let name: string | undefined;
  // `namespaces/{ns}/{plural}...` addresses namespaced kinds; `namespaces[/{name}]` is the Namespace kind itself.
  if (tail[0] === 'namespaces' && tail.length >= 3) {
    if (tail.length > 4) throw pathNotFound();
    [, namespace, plural, name] = tail as [string, string, string, string | undefined];
  } else {
    if (tail.length > 2) throw pathNotFound();
    [plural, name] = tail as [string, string | undefined];
  }
  const info = kindByPlural(group, plural);
  if (!info || !info.versions.includes(version)) throw pathNotFound();
  if (info.namespaced && namespace === undefined && name !== undefined) throw pathNotFound();
  if (!info.namespaced && namespace !== undefined) throw pathNotFound();
  return { type: 'resource', info, version, namespace, name };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`malformed path segment "${segment}": invalid percent-encoding`);
  }
}

/** The object as served at another version of its kind: the versions share one schema. */
export function servedAs(obj: Resource, info: KindInfo, version: string): Resource {
  const apiVersion = apiVersionOf(info, version);
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}
