// Kubernetes REST paths: core kinds under /api/v1, the others under /apis/{group}/{version}.
import type { KindInfo } from '../../config/kinds.js';

export interface ResourceTarget {
  info: KindInfo;
  version: string;
  /** The namespace of a namespaced kind; undefined lists across all namespaces. */
  namespace?: string;
  name?: string;
}

export function resourcePath(t: ResourceTarget): string {
  const base = t.info.group ? `/apis/${t.info.group}/${t.version}` : `/api/${t.version}`;
  const ns = t.info.namespaced && t.namespace !== undefined ? `/namespaces/${encodeURIComponent(t.namespace)}` : '';
  const name = t.name !== undefined ? `/${encodeURIComponent(t.name)}` : '';
  return `${base}${ns}/${t.info.plural}${name}`;
}
