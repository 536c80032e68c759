// Reading an Envoy admin config dump (envoy.admin.v3.ConfigDump in proto3 JSON), whether it came
// from a proxy's /config_dump or the control plane's /debug/config_dump: the resources of each
// kind, unwrapped from their dump entries.
import { cliError } from '../cli-error.js';

export type Json = Record<string, unknown>;

export interface ConfigDump {
  readonly configs?: readonly Json[];
}

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

function section(dump: ConfigDump, kind: string): Json | undefined {
  if (!Array.isArray(dump.configs)) throw cliError('the config dump has no "configs" list: not an Envoy config dump');
  return dump.configs.find((c) => c && c['@type'] === `${ADMIN}${kind}`);
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((v): v is Json => !!v && typeof v === 'object') : [];
}

export function bootstrapOf(dump: ConfigDump): Json | undefined {
  return section(dump, 'BootstrapConfigDump');
}

export function clustersOf(dump: ConfigDump): Json[] {
  const s = section(dump, 'ClustersConfigDump');
  return [...list(s?.static_clusters), ...list(s?.dynamic_active_clusters)].map((e) => e.cluster as Json).filter(Boolean);
}

export function listenersOf(dump: ConfigDump): Json[] {
  const s = section(dump, 'ListenersConfigDump');
  const dynamic = list(s?.dynamic_listeners).map((e) => (e.active_state as Json | undefined)?.listener as Json | undefined);
  return [...list(s?.static_listeners).map((e) => e.listener as Json | undefined), ...dynamic].filter((l): l is Json => !!l);
}

export function routesOf(dump: ConfigDump): Json[] {
  const s = section(dump, 'RoutesConfigDump');
  return [...list(s?.static_route_configs), ...list(s?.dynamic_route_configs)].map((e) => e.route_config as Json).filter(Boolean);
}

/** ClusterLoadAssignments, or undefined when the dump has no EndpointsConfigDump at all. */
export function endpointsOf(dump: ConfigDump): Json[] | undefined {
  const s = section(dump, 'EndpointsConfigDump');
  if (!s) return undefined;
  return [...list(s.static_endpoint_configs), ...list(s.dynamic_endpoint_configs)].map((e) => e.endpoint_config as Json).filter(Boolean);
}

export function secretsOf(dump: ConfigDump): Json | undefined {
  return section(dump, 'SecretsConfigDump');
}

/** The last time a route configuration was loaded, for `Routes Match (RDS last loaded at …)`. */
export function lastRouteUpdate(dump: ConfigDump): Date | undefined {
  const s = section(dump, 'RoutesConfigDump');
  const times = list(s?.dynamic_route_configs).map((e) => e.last_updated).filter((t): t is string => typeof t === 'string').map((t) => new Date(t)).filter((d) => !Number.isNaN(d.getTime()));
  return times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : undefined;
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}
