// Body schemas of the networking.istio.io kinds (v1, v1beta1 and v1alpha3 share one spec), and
// the spec types the control plane translates.
import type { ZodType } from 'zod';
import { destinationRuleBody } from './destination-rule.js';
import { envoyFilterBody } from './envoy-filter.js';
import { gatewayBody } from './gateway.js';
import { serviceEntryBody } from './service-entry.js';
import { sidecarBody } from './sidecar.js';
import { virtualServiceBody } from './virtual-service.js';
import { workloadEntryBody } from './workload-entry.js';
import { workloadGroupBody } from './workload-group.js';

export type { Percent } from './fields.js';
export * from './hosts.js';
export * from './protocol.js';
export * from './string-match.js';
export * from './headers.js';
export * from './destination.js';
export * from './http-match.js';
export * from './http-policies.js';
export * from './http-route.js';
export * from './virtual-service.js';
export * from './tls-settings.js';
export * from './load-balancer.js';
export * from './traffic-policy.js';
export * from './workload-selector.js';
export * from './destination-rule.js';
export * from './gateway.js';
export * from './workload-entry.js';
export * from './service-entry.js';
export * from './workload-group.js';
export * from './sidecar.js';
export * from './envoy-filter.js';

export const networkingSchemas: Record<string, ZodType> = {
  VirtualService: virtualServiceBody,
  DestinationRule: destinationRuleBody,
  Gateway: gatewayBody,
  ServiceEntry: serviceEntryBody,
  Sidecar: sidecarBody,
  WorkloadEntry: workloadEntryBody,
  WorkloadGroup: workloadGroupBody,
  EnvoyFilter: envoyFilterBody,
};
