// envoy.config.route.v3.RouteConfiguration: virtual hosts indexed by domain, in Envoy's order —
// exact, then suffix wildcards (`*.foo.com`, longest first), then prefix wildcards (`foo.*`,
// longest first), then `*`. Domains may carry a port (`reviews:9080`) and match the Host as sent.

import { compileHeaderMutation, type HeaderMutation } from './header-mutation.js';
import { internedWhileCompiling } from './intern.js';
import { compilePerFilterConfigs, type PerFilterConfigs } from './per-filter-config.js';
import { childPath, ErrorSink, MessageReader } from './reader.js';
import type { RequestView } from './request-view.js';
import { compileRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { compileRoute, type Route, type RouteScope } from './route.js';
import { routeMatches } from './route-match.js';
import type { RequestMirrorPolicy } from './route-action.js';
import { fractionalPercent } from './percent.js';

export interface VirtualHost {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly Route[];
  /** require_tls: plaintext requests get a 301 to https (ALL), or only external ones (EXTERNAL_ONLY). */
  readonly requireTls: 'NONE' | 'EXTERNAL_ONLY' | 'ALL';
}

interface WildcardEntry {
  readonly part: string;
  readonly virtualHost: VirtualHost;
}

export interface RouteConfiguration {
  readonly name: string;
  readonly virtualHosts: readonly VirtualHost[];
  readonly exact: ReadonlyMap<string, VirtualHost>;
  /** `*.foo.com` → part `.foo.com`, longest first. */
  readonly suffixes: readonly WildcardEntry[];
  /** `foo.*` → part `foo.`, longest first. */
  readonly prefixes: readonly WildcardEntry[];
  readonly defaultVirtualHost?: VirtualHost;
  readonly ignorePortInHostMatching: boolean;
  /** Header names stripped from requests that came from outside the mesh. */
  readonly internalOnlyHeaders: readonly string[];
}

const ROUTE_CONFIGURATION_SPEC = {
  fields: [
    '@type', 'name', 'virtual_hosts', 'vhds', 'internal_only_headers', 'response_headers_to_add', 'response_headers_to_remove',
    'request_headers_to_add', 'request_headers_to_remove', 'most_specific_header_mutations_wins', 'cluster_specifier_plugins',
    'request_mirror_policies', 'ignore_port_in_host_matching', 'ignore_path_parameters_in_path_matching', 'typed_per_filter_config',
  ],
  ignored: {
    validate_clusters: 'routes naming unknown clusters answer 503 NC at request time, as Envoy does without validation',
    max_direct_response_body_size_bytes: 'direct response bodies are inline and already bounded by the resource size',
    metadata: 'route configuration metadata is informational for this proxy',
  },
};

const VIRTUAL_HOST_SPEC = {
  fields: [
    'name', 'domains', 'routes', 'matcher', 'require_tls', 'rate_limits', 'request_headers_to_add', 'request_headers_to_remove',
    'response_headers_to_add', 'response_headers_to_remove', 'cors', 'typed_per_filter_config', 'include_request_attempt_count',
    'include_attempt_count_in_response', 'retry_policy', 'retry_policy_typed_config', 'hedge_policy', 'include_is_timeout_retry_header',
    'per_request_buffer_limit_bytes', 'request_mirror_policies',
  ],
  ignored: {
    virtual_clusters: 'virtual clusters only add stats',
    metadata: 'virtual host metadata is informational for this proxy',
  },
};

const DOMAIN_RE = /^(\*|\*[^*]+|[^*]+\*|[^*]+)$/;

export function compileRouteConfiguration(value: unknown, path: string, sink: ErrorSink): RouteConfiguration | undefined {
  const r = MessageReader.of(value, path, sink, ROUTE_CONFIGURATION_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  const name = r.string('name') ?? '';
  for (const unsupported of ['vhds', 'cluster_specifier_plugins']) {
    if (r.has(unsupported)) r.error(unsupported, 'is not supported by the Skiff proxy');
  }
  if (r.bool('ignore_path_parameters_in_path_matching', false)) r.error('ignore_path_parameters_in_path_matching', 'is not supported by the Skiff proxy');
  const mostSpecificWins = r.bool('most_specific_header_mutations_wins', false);
  const requestHeaders = compileHeaderMutation(r, 'request_headers_to_add', 'request_headers_to_remove', sink);
  const responseHeaders = compileHeaderMutation(r, 'response_headers_to_add', 'response_headers_to_remove', sink);
  const perFilterConfigs = compilePerFilterConfigs(r, 'typed_per_filter_config', sink);
  const configMirrors = compileMirrors(r, sink);

  const virtualHosts: VirtualHost[] = [];
  const exact = new Map<string, VirtualHost>();
  const suffixes: WildcardEntry[] = [];
  const prefixes: WildcardEntry[] = [];
  let defaultVirtualHost: VirtualHost | undefined;
  const seenDomains = new Map<string, string>();
  const context: ConfigContext = { requestHeaders, responseHeaders, mostSpecificWins, perFilterConfigs, mirrors: configMirrors };
  // What a virtual host inherits from this configuration, as sent: part of its sharing key.
  const contextKey = CONTEXT_FIELDS.map((f) => r.raw(f));

  for (const { value: vhValue, path: vhPath } of r.list('virtual_hosts')) {
    const vhBefore = sink.count;
    // Equal virtual hosts under equal configuration-level settings compile once per xDS response:
    // Istio sends a sidecar's services both in the port's route configuration and in `http_proxy`.
    const vh = internedWhileCompiling('virtual_host', [contextKey, vhValue], sink, () => compileVirtualHost(vhValue, vhPath, sink, context));
    if (!vh) continue;
    for (const [i, d] of vh.domains.entries()) {
      const other = seenDomains.get(d);
      if (other !== undefined) sink.add(childPath(childPath(vhPath, 'domains'), i), `domain ${JSON.stringify(d)} is already used by virtual host ${JSON.stringify(other)}; domains must be unique`);
      seenDomains.set(d, vh.name);
    }
    if (sink.count > vhBefore) continue;
    virtualHosts.push(vh);
    for (const d of vh.domains) {
      if (d === '*') defaultVirtualHost = vh;
      else if (d.startsWith('*')) suffixes.push({ part: d.slice(1), virtualHost: vh });
      else if (d.endsWith('*')) prefixes.push({ part: d.slice(0, -1), virtualHost: vh });
      else exact.set(d, vh);
    }
  }
  // Longest wildcard first; a stable sort keeps config order among equal lengths.
  suffixes.sort((a, b) => b.part.length - a.part.length);
  prefixes.sort((a, b) => b.part.length - a.part.length);
  const internalOnlyHeaders = r.stringList('internal_only_headers').map((h) => h.toLowerCase());
  if (sink.count > before) return undefined;
  return {
    name,
    virtualHosts,
    exact,
    suffixes,
    prefixes,
    defaultVirtualHost,
    ignorePortInHostMatching: r.bool('ignore_port_in_host_matching', false),
    internalOnlyHeaders,
  };
}

/** What the route configuration contributes to each of its routes. */
interface ConfigContext {
  readonly requestHeaders: HeaderMutation;
  readonly responseHeaders: HeaderMutation;
  readonly mostSpecificWins: boolean;
  readonly perFilterConfigs: PerFilterConfigs;
  readonly mirrors: readonly RequestMirrorPolicy[];
}

/** The RouteConfiguration fields ConfigContext is compiled from. */
const CONTEXT_FIELDS = [
  'request_headers_to_add', 'request_headers_to_remove', 'response_headers_to_add', 'response_headers_to_remove',
  'most_specific_header_mutations_wins', 'typed_per_filter_config', 'request_mirror_policies',
];

/** One virtual host; whether its domains are unique across the configuration is checked by the caller. */
function compileVirtualHost(vhValue: unknown, vhPath: string, sink: ErrorSink, context: ConfigContext): VirtualHost | undefined {
  const v = MessageReader.of(vhValue, vhPath, sink, VIRTUAL_HOST_SPEC);
  if (!v) return undefined;
  const vhBefore = sink.count;
  const vhName = v.string('name', { required: true }) ?? '';
  for (const unsupported of ['matcher', 'rate_limits', 'cors', 'retry_policy_typed_config', 'hedge_policy']) {
    if (v.has(unsupported)) v.error(unsupported, 'is not supported by the Skiff proxy');
  }
  const requireTls = v.enumValue('require_tls', ['NONE', 'EXTERNAL_ONLY', 'ALL'] as const, 'NONE');
  v.bool('include_is_timeout_retry_header', false);
  v.int('per_request_buffer_limit_bytes', 0, 0, 0xffffffff);
  const domains = v.stringList('domains').map((d) => d.toLowerCase());
  if (domains.length === 0) v.error('domains', 'must list at least one domain');
  for (const [i, d] of domains.entries()) {
    if (!DOMAIN_RE.test(d)) sink.add(`${v.at('domains')}[${i}]`, `invalid domain ${JSON.stringify(d)}: a wildcard may only be a whole leading or trailing *`);
  }
  let retryPolicy: RetryPolicy | undefined;
  if (v.has('retry_policy')) retryPolicy = compileRetryPolicy(v.raw('retry_policy'), v.at('retry_policy'), sink);
  const vhMirrors = compileMirrors(v, sink);
  const vhFilterConfigs = compilePerFilterConfigs(v, 'typed_per_filter_config', sink);
  const scope: RouteScope = {
    virtualHost: {
      name: vhName,
      includeRequestAttemptCount: v.bool('include_request_attempt_count', false),
      includeAttemptCountInResponse: v.bool('include_attempt_count_in_response', false),
    },
    requestHeaders: [compileHeaderMutation(v, 'request_headers_to_add', 'request_headers_to_remove', sink), context.requestHeaders],
    responseHeaders: [compileHeaderMutation(v, 'response_headers_to_add', 'response_headers_to_remove', sink), context.responseHeaders],
    mostSpecificWins: context.mostSpecificWins,
    retryPolicy,
    mirrors: vhMirrors.length > 0 ? vhMirrors : context.mirrors,
    perFilterConfigs:
      vhFilterConfigs.size === 0 ? context.perFilterConfigs
      : context.perFilterConfigs.size === 0 ? vhFilterConfigs
      : new Map([...context.perFilterConfigs, ...vhFilterConfigs]),
  };
  const routes: Route[] = [];
  for (const rt of v.list('routes')) {
    const compiled = compileRoute(rt.value, rt.path, sink, scope);
    if (compiled) routes.push(compiled);
  }
  if (sink.count > vhBefore) return undefined;
  return { name: vhName, domains, routes, requireTls };
}

function compileMirrors(r: MessageReader, sink: ErrorSink): RequestMirrorPolicy[] {
  const out: RequestMirrorPolicy[] = [];
  for (const m of r.list('request_mirror_policies')) {
    const mr = MessageReader.of(m.value, m.path, sink, { fields: ['cluster', 'runtime_fraction', 'trace_sampled'] });
    const cluster = mr?.string('cluster', { required: true });
    if (!mr || cluster === undefined) continue;
    const rf = mr.message('runtime_fraction', { fields: ['default_value', 'runtime_key'] });
    out.push({ cluster, fraction: rf ? (fractionalPercent(rf, 'default_value') ?? 0) : 1 });
  }
  return out;
}

/** Strips a trailing `:port` (not inside an IPv6 literal). */
function stripPort(host: string): string {
  const colon = host.lastIndexOf(':');
  if (colon < 0) return host;
  if (host.charCodeAt(host.length - 1) === 93 /* ] */) return host;
  if (host.indexOf(':') !== colon && !host.startsWith('[')) return host;
  return host.slice(0, colon);
}

/** The virtual host for a lower-cased Host header, in Envoy's matching order. */
export function findVirtualHost(rc: RouteConfiguration, authority: string): VirtualHost | undefined {
  const host = rc.ignorePortInHostMatching ? stripPort(authority) : authority;
  const exact = rc.exact.get(host);
  if (exact) return exact;
  // The wildcard must match at least one character, so the host must be longer than the part.
  for (let i = 0; i < rc.suffixes.length; i++) {
    const e = rc.suffixes[i]!;
    if (host.length > e.part.length && host.endsWith(e.part)) return e.virtualHost;
  }
  for (let i = 0; i < rc.prefixes.length; i++) {
    const e = rc.prefixes[i]!;
    if (host.length > e.part.length && host.startsWith(e.part)) return e.virtualHost;
  }
  return rc.defaultVirtualHost;
}

/** The first route of the virtual host matching the request. */
export function findRoute(vh: VirtualHost, req: RequestView): Route | undefined {
  const routes = vh.routes;
  for (let i = 0; i < routes.length; i++) if (routeMatches(routes[i]!.match, req)) return routes[i];
  return undefined;
}
