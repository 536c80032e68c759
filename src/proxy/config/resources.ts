// The four xDS resource kinds the proxy consumes, compiled one resource at a time so a bad one can
// be NACKed by name while the others still apply.

import { TYPE_URL } from '../../xds/type-urls.js';
import { compileCluster, type Cluster } from './cluster.js';
import { compileListener, type Listener } from './listener.js';
import { compileLoadAssignment, type LoadAssignment } from './load-assignment.js';
import { ErrorSink, isObject, type FieldError } from './reader.js';
import { compileRouteConfiguration, type RouteConfiguration } from './route-configuration.js';
import { compileSecret, type Secret } from './secret.js';

export type ResourceKind = 'listener' | 'route' | 'cluster' | 'endpoint' | 'secret';

export interface ResourceTypes {
  listener: Listener;
  route: RouteConfiguration;
  cluster: Cluster;
  endpoint: LoadAssignment;
  secret: Secret;
}

export const KIND_TYPE_URL: Record<ResourceKind, string> = {
  listener: TYPE_URL.LISTENER,
  route: TYPE_URL.ROUTE_CONFIGURATION,
  cluster: TYPE_URL.CLUSTER,
  endpoint: TYPE_URL.CLUSTER_LOAD_ASSIGNMENT,
  secret: TYPE_URL.SECRET,
};

export const TYPE_URL_KIND: Record<string, ResourceKind> = Object.fromEntries(
  Object.entries(KIND_TYPE_URL).map(([k, v]) => [v, k as ResourceKind]),
);

/** The resource's own name field (`cluster_name` for a ClusterLoadAssignment). */
export function resourceName(kind: ResourceKind, raw: unknown): string | undefined {
  if (!isObject(raw)) return undefined;
  const v = kind === 'endpoint' ? (raw.cluster_name ?? raw.clusterName) : raw.name;
  return typeof v === 'string' ? v : undefined;
}

export type CompileResult<K extends ResourceKind> =
  | { ok: true; name: string; value: ResourceTypes[K] }
  | { ok: false; name: string; errors: FieldError[] };

export function compileResource<K extends ResourceKind>(kind: K, raw: unknown): CompileResult<K> {
  const sink = new ErrorSink();
  const name = resourceName(kind, raw) ?? '';
  let value: unknown;
  switch (kind) {
    case 'listener':
      value = compileListener(raw, '', sink);
      break;
    case 'route':
      value = compileRouteConfiguration(raw, '', sink);
      break;
    case 'cluster':
      value = compileCluster(raw, '', sink);
      break;
    case 'endpoint':
      value = compileLoadAssignment(raw, '', sink);
      break;
    case 'secret':
      value = compileSecret(raw, '', sink);
      break;
  }
  if (sink.count > 0 || value === undefined) {
    const errors = sink.errors.length > 0 ? sink.errors : [{ path: '', message: 'could not be compiled' }];
    return { ok: false, name, errors };
  }
  return { ok: true, name, value: value as ResourceTypes[K] };
}

const KIND_LABEL: Record<ResourceKind, string> = {
  listener: 'Listener',
  route: 'RouteConfiguration',
  cluster: 'Cluster',
  endpoint: 'ClusterLoadAssignment',
  secret: 'Secret',
};

/** `Cluster outbound|9080||reviews: lb_policy: expected one of ...` — one line per error. */
export function formatResourceErrors(kind: ResourceKind, name: string, errors: readonly FieldError[]): string {
  return errors.map((e) => `${KIND_LABEL[kind]} ${name || '(unnamed)'}: ${e.path ? `${e.path}: ` : ''}${e.message}`).join('\n');
}
