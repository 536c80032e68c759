// The shape every Kubernetes-style resource shares. Kind-specific fields live in `spec` (and, for
// a few core kinds, top-level fields such as Secret `data` or ConfigMap `data`).

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  // Set by the store, never by the user.
  resourceVersion?: string;
  generation?: number;
  uid?: string;
  creationTimestamp?: string;
  [extra: string]: unknown;
}

export interface Resource<Spec = unknown> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Spec;
  [extra: string]: unknown;
}

/** Splits `networking.istio.io/v1` into group and version; the core group is ''. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** `namespace/name`, or `name` for cluster-scoped resources. */
export function resourceName(r: Pick<Resource, 'metadata'>): string {
  return r.metadata.namespace ? `${r.metadata.namespace}/${r.metadata.name}` : r.metadata.name;
}
