// The Istio and Kubernetes API types the push context and translation read: the validated spec
// types of src/config/schemas, under the names Pilot uses. Translation only reads them.
export type {
  StringMatch, PortSelector, Destination, Percent, HeaderOperations, Headers, HTTPRouteDestination, RouteDestination,
  HTTPMatchRequest, HTTPRedirect, HTTPDirectResponse, HTTPRewrite, HTTPRetry, HTTPFaultInjection, CorsPolicy,
  HTTPMirrorPolicy, HTTPRoute, L4MatchAttributes, TLSMatchAttributes, TCPRoute, TLSRoute, VirtualServiceSpec,
  ConnectionPoolSettings, OutlierDetection, ConsistentHashLB, LoadBalancerSettings, ClientTLSSettings, PortTrafficPolicy,
  TrafficPolicy, Subset, DestinationRuleSpec, ServerTLSSettings, Server, GatewaySpec, WorkloadEntrySpec, ServiceEntrySpec,
  LocalityLoadBalancerSetting as LocalityLbSetting, ServicePort as ServicePortSpec,
} from '../../config/schemas/networking/index.js';
export type { ServicePort as KubeServicePort, ServiceSpec as KubeServiceSpec } from '../../config/schemas/kubernetes/service.js';
export type { PeerAuthenticationSpec } from '../../config/schemas/security/index.js';

/** Policies that select workloads by `selector.matchLabels` (AuthorizationPolicy, RequestAuthentication). */
export interface WorkloadSelectorSpec {
  readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> };
}
