// Pure Istio → Envoy translation: given a proxy and a push context, the proxy's clusters (CDS),
// endpoints (EDS), listeners (LDS) and route configurations (RDS), as proto3-JSON objects ready
// for src/xds's encodeResource; and the request simulation that runs over them.
export type { Json } from './envoy-common.js';
export { protoDuration } from './envoy-common.js';
export type { TranslationProblem } from './route-policies.js';
export { buildClusters } from './cluster-builder.js';
export { buildEndpoints, edsClusterNames } from './endpoints.js';
export { buildListeners } from './listeners.js';
export { buildRoutes, routeNames, httpProxyPort } from './routes.js';
export {
  BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, VIRTUAL_INBOUND_LISTENER, VIRTUAL_OUTBOUND_LISTENER,
  HTTP_PROXY_ROUTE, clusterName, inboundClusterName, parseClusterName, listenerName, mtlsSni,
} from './names.js';
export { SKIFF_ROUTE_METADATA } from './route-translate.js';
export type { ProxyConfig, SimulatedRequest, SimulationResult, ClusterChoice, RouteOrigin } from './simulate.js';
export { generateProxyConfig, simulate, simulateProxy } from './simulate.js';
export type { NodeInfo, PilotProxyState, GeneratedResource } from './xds-generator.js';
export { PilotXdsGenerator, proxyMetadata } from './xds-generator.js';
