// EnvoyFilter: patches applied to the generated Envoy configuration. Skiff stores these but does
// not apply them (kinds.ts marks the kind not enforced); the schema checks the envelope Istio
// checks (applyTo, match and patch line up) and leaves the patch value free-form.
import { z } from 'zod';
import { enumOf, int, issue, list, map, str, strict, uint32 } from './fields.js';
import { regexProblem } from './string-match.js';
import { labelsSelector, policyTargetReferences } from './workload-selector.js';

export const ENVOY_FILTER_APPLY_TO = [
  'LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER', 'ROUTE_CONFIGURATION', 'VIRTUAL_HOST',
  'HTTP_ROUTE', 'CLUSTER', 'EXTENSION_CONFIG', 'BOOTSTRAP', 'LISTENER_FILTER',
] as const;
export const ENVOY_FILTER_CONTEXTS = ['ANY', 'SIDECAR_INBOUND', 'SIDECAR_OUTBOUND', 'GATEWAY', 'WAYPOINT'] as const;
export const ENVOY_FILTER_OPERATIONS = [
  'MERGE', 'ADD', 'REMOVE', 'INSERT_BEFORE', 'INSERT_AFTER', 'INSERT_FIRST', 'REPLACE', 'MERGE_AND_REPLACE_LIST',
] as const;

const HCM_NAMES = ['envoy.filters.network.http_connection_manager', 'envoy.http_connection_manager'];

const named = strict({ name: str.optional() });

const filterMatch = strict({ name: str.optional(), subFilter: named.optional() });

const listenerMatch = strict({
  portNumber: uint32.optional(),
  portName: str.optional(),
  filterChain: strict({
    name: str.optional(),
    sni: str.optional(),
    transportProtocol: str.optional(),
    applicationProtocols: str.optional(),
    filter: filterMatch.optional(),
    destinationPort: uint32.optional(),
  }).optional(),
  listenerFilter: str.optional(),
  name: str.optional(),
});

const routeConfigurationMatch = strict({
  portNumber: uint32.optional(),
  portName: str.optional(),
  gateway: str.optional(),
  vhost: strict({
    name: str.optional(),
    domainName: str.optional(),
    route: strict({ name: str.optional(), action: enumOf(['ANY', 'ROUTE', 'REDIRECT', 'DIRECT_RESPONSE']).optional() }).optional(),
  }).optional(),
  name: str.optional(),
});

const clusterMatch = strict({
  portNumber: uint32.optional(),
  service: str.optional(),
  subset: str.optional(),
  name: str.optional(),
});

const waypointMatch = strict({
  portNumber: uint32.optional(),
  route: named.optional(),
  filter: filterMatch.optional(),
});

export const envoyConfigObjectMatch = strict({
  context: enumOf(ENVOY_FILTER_CONTEXTS).optional(),
  proxy: strict({ proxyVersion: str.optional(), metadata: map(str).optional() }).optional(),
  listener: listenerMatch.optional(),
  routeConfiguration: routeConfigurationMatch.optional(),
  cluster: clusterMatch.optional(),
  waypoint: waypointMatch.optional(),
}).superRefine((m, ctx) => {
  const kinds = (['listener', 'routeConfiguration', 'cluster', 'waypoint'] as const).filter((k) => m[k] !== undefined);
  if (kinds.length > 1) issue(ctx, [], `a match takes only one of listener, routeConfiguration, cluster or waypoint (found ${kinds.join(' and ')})`);
  if (m.waypoint && m.context !== 'WAYPOINT') issue(ctx, ['waypoint'], 'a waypoint match needs context WAYPOINT');
  if (m.proxy?.proxyVersion) {
    const problem = regexProblem(m.proxy.proxyVersion);
    if (problem) issue(ctx, ['proxy', 'proxyVersion'], `proxyVersion must be a regex: ${problem}`);
  }
});
export type EnvoyConfigObjectMatch = z.infer<typeof envoyConfigObjectMatch>;

export const envoyFilterPatch = strict({
  operation: enumOf(ENVOY_FILTER_OPERATIONS).optional(),
  // The Envoy resource (or fragment) to merge, add or replace, in Envoy's JSON shape.
  value: z.record(z.string(), z.unknown(), { error: 'expected a map: the Envoy configuration to patch in' }).optional(),
  filterClass: enumOf(['UNSPECIFIED', 'AUTHN', 'AUTHZ', 'STATS']).optional(),
});
export type EnvoyFilterPatch = z.infer<typeof envoyFilterPatch>;

const LISTENER_CLASS = new Set(['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER']);
const ROUTE_CLASS = new Set(['ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE']);

export const envoyConfigObjectPatch = strict({
  applyTo: enumOf(ENVOY_FILTER_APPLY_TO).optional(),
  match: envoyConfigObjectMatch.optional(),
  patch: envoyFilterPatch.optional(),
}).superRefine((cp, ctx) => {
  if (cp.match?.context === 'WAYPOINT') return;
  if (!cp.applyTo) issue(ctx, ['applyTo'], `a config patch needs applyTo: one of ${ENVOY_FILTER_APPLY_TO.join(', ')}`);
  if (!cp.patch) issue(ctx, ['patch'], 'a config patch needs a patch (operation and value)');
  else if (!cp.patch.operation) issue(ctx, ['patch', 'operation'], `a patch needs an operation: one of ${ENVOY_FILTER_OPERATIONS.join(', ')}`);
  else if (cp.patch.operation !== 'REMOVE' && cp.patch.value === undefined) issue(ctx, ['patch', 'value'], `a ${cp.patch.operation} patch needs a value`);
  if (!cp.applyTo || !cp.match) return;
  const m = cp.match;
  const hasObjectMatch = m.listener || m.routeConfiguration || m.cluster;
  if (LISTENER_CLASS.has(cp.applyTo) && hasObjectMatch) {
    if (!m.listener) {
      issue(ctx, ['match'], `applyTo ${cp.applyTo} needs a listener match`);
      return;
    }
    const filter = m.listener.filterChain?.filter;
    if (!filter) return;
    const at = ['match', 'listener', 'filterChain', 'filter'];
    if (!filter.name) issue(ctx, [...at, 'name'], 'a filter match needs the name of the filter');
    if (filter.subFilter) {
      if (cp.applyTo !== 'HTTP_FILTER') issue(ctx, [...at, 'subFilter'], 'a subFilter match can only be used with applyTo HTTP_FILTER');
      else if (filter.name && !HCM_NAMES.includes(filter.name)) issue(ctx, [...at, 'name'], `a subFilter match needs the filter match to name ${HCM_NAMES[0]}`);
      if (!filter.subFilter.name) issue(ctx, [...at, 'subFilter', 'name'], 'a subFilter match needs the name of the HTTP filter');
    }
  } else if (ROUTE_CLASS.has(cp.applyTo) && hasObjectMatch && !m.routeConfiguration) {
    issue(ctx, ['match'], `applyTo ${cp.applyTo} needs a routeConfiguration match`);
  } else if (cp.applyTo === 'CLUSTER' && hasObjectMatch && !m.cluster) {
    issue(ctx, ['match'], 'applyTo CLUSTER needs a cluster match');
  }
});
export type EnvoyConfigObjectPatch = z.infer<typeof envoyConfigObjectPatch>;

export const envoyFilterSpec = strict({
  workloadSelector: labelsSelector.optional(),
  targetRefs: policyTargetReferences.optional(),
  configPatches: list(envoyConfigObjectPatch).optional(),
  priority: int({ what: 'an integer priority', min: -2147483648, max: 2147483647 }).optional(),
}).superRefine((f, ctx) => {
  if (f.workloadSelector && f.targetRefs?.length) issue(ctx, ['targetRefs'], 'an EnvoyFilter takes only one of "workloadSelector" or "targetRefs"');
});
export type EnvoyFilterSpec = z.infer<typeof envoyFilterSpec>;

export const envoyFilterBody = strict({ spec: envoyFilterSpec, status: z.unknown().optional() });
