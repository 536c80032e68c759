// /debug/configz: the Istio and Kubernetes config the push context is built from (the kinds a push
// reads, as stored), the version of the push serving proxies now, and the config that push skipped.
import type { Resource } from '../../config/resource.js';
import { PUSH_KINDS } from '../model/push-builder.js';
import type { PushContext } from '../model/push-context.js';
import type { ConfigStore } from '../store/config-store.js';

export interface Configz {
  /** The push proxies are served from; config written since is in the next push. */
  readonly push_version: string | null;
  readonly configs: readonly Resource[];
  /** Config the push skipped (conflicts, bad references), with why. */
  readonly problems: readonly { readonly resource: string; readonly message: string }[];
}

export function configz(store: Pick<ConfigStore, 'list'>, push: PushContext | undefined): Configz {
  const configs = PUSH_KINDS.flatMap((k) => store.list(k))
    .sort((a, b) => a.kind.localeCompare(b.kind) || (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  return { push_version: push?.version ?? null, configs, problems: push?.problems ?? [] };
}
