// Identity of a config resource as Pilot carries it into generated config: Envoy resources point
// back to the Istio resource they came from (`metadata.filter_metadata.istio.config`).
import type { Resource } from '../../config/resource.js';

export interface ConfigMeta {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly creationTimestamp?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export function configMeta(r: Resource): ConfigMeta {
  const slash = r.apiVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : r.apiVersion.slice(0, slash),
    kind: r.kind,
    name: r.metadata.name,
    namespace: r.metadata.namespace ?? 'default',
    creationTimestamp: r.metadata.creationTimestamp,
    labels: r.metadata.labels ?? {},
    annotations: r.metadata.annotations ?? {},
  };
}

/** `VirtualService` → `virtual-service`, as Istio's gvk.KebabKind. */
export function kebabKind(kind: string): string {
  return kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * `/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews`. Istio names the
 * version it stores internally (v1), whatever version the user applied.
 */
export function configPath(meta: ConfigMeta): string {
  return `/apis/${meta.group}/v1/namespaces/${meta.namespace}/${kebabKind(meta.kind)}/${meta.name}`;
}

/** Oldest first, then by namespace and name: the order in which Istio lets the first config win. */
export function compareByCreation(a: ConfigMeta, b: ConfigMeta): number {
  return (a.creationTimestamp ?? '').localeCompare(b.creationTimestamp ?? '')
    || a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace);
}
