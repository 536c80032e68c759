// The push context: an immutable snapshot of config and registry with Pilot's indexes, and the
// debounced builder that makes a new one on every change.
export type * from './api-types.js';
export type { ConfigMeta } from './config-meta.js';
export { configMeta, configPath, kebabKind } from './config-meta.js';
export { hostMatches, hostSubsetOf, hostIntersection, mostSpecificHostMatch, resolveShortname, resolveGatewayName, isWildcard } from './host.js';
export type { MeshConfig } from './mesh-config.js';
export { DEFAULT_MESH_CONFIG, meshConfigWith, gatewayListenerPort } from './mesh-config.js';
export type { Proxy, ProxyType, ProxyMetadata, ParsedNodeId, ProxyOptions } from './proxy.js';
export { ProxyIdError, makeProxy, nodeId, parseNodeId } from './proxy.js';
export type { VirtualServiceConfig, ConfigProblem } from './virtual-services.js';
export { MESH_GATEWAY, gatewayNames } from './virtual-services.js';
export type { ConsolidatedDestRule } from './destination-rules.js';
export type { GatewayConfig, MergedGateway, MergedPort, MergedServer } from './gateways.js';
export { isTlsServer, isPassthroughServer, isHttpsTerminated } from './gateways.js';
export type { MtlsMode, PolicyRef } from './policies.js';
export type { PushInput } from './push-context.js';
export { PushContext } from './push-context.js';
export type { PushRequest, PushReason, PushListener, PushBuilderOptions } from './push-builder.js';
export { PushContextBuilder, PUSH_KINDS } from './push-builder.js';
