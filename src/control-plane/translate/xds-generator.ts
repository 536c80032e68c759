// The generator the ADS server calls: resolves a connected proxy against the push context once
// per push (Istio's proxy initialization: labels, workload, metadata) and answers each xDS type
// with the translation functions. Shaped to the server's XdsGenerator interface
// (src/control-plane/server/ads-types.ts) without depending on the server.
import type { Proxy, ProxyMetadata } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import type { JsonObject } from '../../xds/json-types.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { buildClusters } from './cluster-builder.js';
import { buildEndpoints } from './endpoints.js';
import type { Json } from './envoy-common.js';
import { generateGrpc, isProxylessGrpc } from './grpc-generator.js';
import { buildListeners } from './listeners.js';
import type { TranslationProblem } from './route-policies.js';
import { buildRoutes } from './routes.js';
import { XdsCache } from './xds-cache.js';

/** What the generator reads of a connected proxy (the server's ConnectedProxy has more). */
export interface NodeInfo {
  readonly nodeId: string;
  /** Envoy node metadata as Istio's agent sends it: LABELS, INTERCEPTION_MODE, HTTP_PROXY_PORT… */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface PilotProxyState {
  readonly proxy: Proxy;
  /** Config this proxy's translation skipped, and why (for proxy-status and debug output). */
  readonly problems: TranslationProblem[];
  /** A proxyless gRPC client (node metadata `GENERATOR: grpc`), served by grpc-generator.ts. */
  readonly proxylessGrpc?: boolean;
}

export interface GeneratedResource {
  readonly name: string;
  /** Translation builds plain JSON values only, so every resource is a JSON object. */
  readonly resource: JsonObject;
}

function named(key: 'name' | 'cluster_name') {
  return (r: Json): GeneratedResource => ({ name: r[key] as string, resource: r as JsonObject });
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** `{"8080": 41234}` → {8080: 41234}; entries that are not port numbers are ignored. */
function portMap(value: unknown): Record<number, number> | undefined {
  const entries = Object.entries(stringMap(value) ?? (value && typeof value === 'object' ? (value as Record<string, unknown>) : {}));
  const out: Record<number, number> = {};
  for (const [k, v] of entries) {
    const from = Number(k);
    const to = Number(v);
    if (Number.isInteger(from) && Number.isInteger(to) && from > 0 && to > 0 && from < 65536 && to < 65536) out[from] = to;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Istio node metadata → the proxy's labels and options. */
export function proxyMetadata(metadata: Readonly<Record<string, unknown>>): { labels?: Record<string, string>; metadata: ProxyMetadata } {
  const port = Number(metadata.HTTP_PROXY_PORT);
  const mode = metadata.INTERCEPTION_MODE;
  const bind = metadata.SKIFF_BIND_ADDRESS;
  const map = portMap(metadata.SKIFF_PORT_MAP);
  return {
    labels: stringMap(metadata.LABELS),
    metadata: {
      httpProxyPort: Number.isInteger(port) && port > 0 ? port : undefined,
      interceptionMode: mode === 'NONE' || mode === 'REDIRECT' || mode === 'TPROXY' ? mode : undefined,
      // Local-runtime keys only when sent, so a Kubernetes proxy's metadata reads as Istio's.
      ...(typeof bind === 'string' && bind !== '' ? { bindAddress: bind } : {}),
      ...(map ? { portMap: map } : {}),
    },
  };
}

export class PilotXdsGenerator {
  /** Translations shared by proxies that see a push alike (see xds-cache.ts). */
  readonly cache = new XdsCache<GeneratedResource>();

  /** A connection's node metadata never changes: read once, its labels and options keep their identity. */
  private readonly nodeOptions = new WeakMap<object, ReturnType<typeof proxyMetadata>>();

  proxyState(node: NodeInfo, push: PushContext): PilotProxyState {
    let options = this.nodeOptions.get(node.metadata);
    if (!options) {
      options = proxyMetadata(node.metadata);
      this.nodeOptions.set(node.metadata, options);
    }
    const { labels, metadata } = options;
    return { proxy: push.proxyFor(node.nodeId, { labels, metadata }), problems: [], proxylessGrpc: isProxylessGrpc(node.metadata) };
  }

  /** The returned array and resources may be shared with other proxies: never mutate them. */
  generate(input: { readonly state: PilotProxyState; readonly typeUrl: string; readonly resourceNames: readonly string[] | '*'; readonly push: PushContext }): readonly GeneratedResource[] {
    const { state, push } = input;
    const names = input.resourceNames === '*' ? undefined : input.resourceNames;
    if (state.proxylessGrpc) return generateGrpc(state.proxy, push, input.typeUrl, names, state.problems).map(named(input.typeUrl === TYPE_URL.CLUSTER_LOAD_ASSIGNMENT ? 'cluster_name' : 'name'));
    return this.cache.resources(state.proxy, push, input.typeUrl, names, state.problems, (problems) => {
      switch (input.typeUrl) {
        case TYPE_URL.CLUSTER:
          return buildClusters(state.proxy, push).map(named('name'));
        case TYPE_URL.LISTENER:
          return buildListeners(state.proxy, push, problems).map(named('name'));
        case TYPE_URL.ROUTE_CONFIGURATION:
          return buildRoutes(state.proxy, push, names, problems).map(named('name'));
        case TYPE_URL.CLUSTER_LOAD_ASSIGNMENT:
          return buildEndpoints(state.proxy, push, names).map(named('cluster_name'));
        default:
          throw new Error(`Skiff's control plane does not generate ${input.typeUrl}`);
      }
    });
  }
}
