// The generator for proxyless gRPC clients (Istio's pilot/pkg/networking/grpcgen): an xDS client
// that is a gRPC library, not Envoy. It is chosen, as Istio chooses it, by the node metadata
// `GENERATOR: grpc` that a gRPC bootstrap carries. gRPC subscribes by name to api_listeners
// (`host:port`), then the route configuration, clusters and endpoints they lead to; each answer
// holds only what gRPC's xDS client accepts. Endpoints are the same as an Envoy sidecar's.
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import type { Json } from './envoy-common.js';
import { buildEndpoints } from './endpoints.js';
import { buildGrpcClusters } from './grpc-clusters.js';
import { buildGrpcListeners } from './grpc-listeners.js';
import { buildGrpcRoutes } from './grpc-routes.js';
import type { TranslationProblem } from './route-policies.js';

/** The `GENERATOR` node metadata value of proxyless gRPC clients. */
export const GRPC_GENERATOR = 'grpc';

/** Istio's Proxy.IsProxylessGrpc. */
export function isProxylessGrpc(metadata: Readonly<Record<string, unknown>>): boolean {
  return metadata.GENERATOR === GRPC_GENERATOR;
}

/** One xDS type for a proxyless gRPC client; `names` undefined for a wildcard subscription. */
export function generateGrpc(proxy: Proxy, push: PushContext, typeUrl: string, names: readonly string[] | undefined, problems: TranslationProblem[]): Json[] {
  switch (typeUrl) {
    case TYPE_URL.LISTENER:
      return buildGrpcListeners(proxy, push, names, problems);
    case TYPE_URL.ROUTE_CONFIGURATION:
      return buildGrpcRoutes(proxy, push, names, problems);
    case TYPE_URL.CLUSTER:
      return buildGrpcClusters(proxy, push, names, problems);
    case TYPE_URL.CLUSTER_LOAD_ASSIGNMENT:
      return buildEndpoints(proxy, push, names);
    default:
      throw new Error(`Skiff's control plane does not generate ${typeUrl} for proxyless gRPC clients`);
  }
}
