// envoy.config.route.v3.RouteAction: cluster choice (single, header-named, weighted), rewrites,
// timeouts, retries, hashing and mirroring, compiled once per route.

import { compileHashPolicy, type HashPolicy } from './hash-policy.js';
import { compileHeaderMutation, type HeaderMutation } from './header-mutation.js';
import { compilePerFilterConfigs, type PerFilterConfigs } from './per-filter-config.js';
import { fractionalPercent } from './percent.js';
import { compileSearch, translateSubstitution } from './re2.js';
import { ErrorSink, MessageReader } from './reader.js';
import { compileRetryPolicy, type RetryPolicy } from './retry-policy.js';

export interface WeightedCluster {
  readonly name: string;
  readonly weight: number;
  readonly requestHeaders: HeaderMutation;
  readonly responseHeaders: HeaderMutation;
  readonly perFilterConfigs: PerFilterConfigs;
  readonly hostRewriteLiteral?: string;
}

export interface WeightedClusters {
  readonly clusters: readonly WeightedCluster[];
  readonly totalWeight: number;
  /** Running sums of the weights: cluster i takes values below cumulative[i]. */
  readonly cumulative: readonly number[];
}

export interface RegexRewrite {
  readonly re: RegExp;
  readonly substitution: string;
}

export interface RequestMirrorPolicy {
  readonly cluster: string;
  /** Probability in [0, 1]. */
  readonly fraction: number;
}

export type ClusterNotFoundCode = 503 | 404 | 500;

export interface RouteAction {
  readonly cluster?: string;
  readonly clusterHeader?: string;
  readonly weightedClusters?: WeightedClusters;
  readonly clusterNotFoundCode: ClusterNotFoundCode;
  readonly prefixRewrite?: string;
  readonly regexRewrite?: RegexRewrite;
  readonly hostRewriteLiteral?: string;
  readonly hostRewriteHeader?: string;
  readonly autoHostRewrite: boolean;
  readonly appendXForwardedHost: boolean;
  /** 0 disables the route timeout (Istio's default). */
  readonly timeoutMs: number;
  /** When set, a grpc-timeout request header bounds the request; 0 means no cap. */
  readonly grpcTimeoutHeaderMaxMs?: number;
  readonly retryPolicy?: RetryPolicy;
  readonly hashPolicies: readonly HashPolicy[];
  readonly mirrors: readonly RequestMirrorPolicy[];
}

const ROUTE_ACTION_SPEC = {
  fields: [
    'cluster', 'cluster_header', 'weighted_clusters', 'cluster_specifier_plugin', 'inline_cluster_specifier_plugin',
    'cluster_not_found_response_code', 'metadata_match', 'prefix_rewrite', 'regex_rewrite', 'path_rewrite_policy',
    'host_rewrite_literal', 'auto_host_rewrite', 'host_rewrite_header', 'host_rewrite_path_regex',
    'append_x_forwarded_host', 'timeout', 'idle_timeout', 'retry_policy', 'retry_policy_typed_config',
    'request_mirror_policies', 'priority', 'rate_limits', 'include_vh_rate_limits', 'hash_policy', 'cors',
    'max_grpc_timeout', 'grpc_timeout_offset', 'upgrade_configs', 'internal_redirect_policy', 'hedge_policy',
    'max_stream_duration', 'early_data_policy', 'internal_redirect_action', 'max_internal_redirects',
  ],
};

const UNSUPPORTED_ACTION_FIELDS: Record<string, string> = {
  cluster_specifier_plugin: 'cluster specifier plugins',
  inline_cluster_specifier_plugin: 'cluster specifier plugins',
  metadata_match: 'subset load balancing (metadata_match)',
  path_rewrite_policy: 'path rewrite policy extensions',
  host_rewrite_path_regex: 'host_rewrite_path_regex',
  retry_policy_typed_config: 'retry policy extensions',
  rate_limits: 'global rate limiting',
  cors: 'the deprecated route-level cors field (use typed_per_filter_config)',
  internal_redirect_policy: 'internal redirects',
  internal_redirect_action: 'internal redirects',
  max_internal_redirects: 'internal redirects',
  hedge_policy: 'request hedging',
  early_data_policy: 'early data policies',
};

const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

export function compileRouteAction(value: unknown, path: string, sink: ErrorSink): RouteAction | undefined {
  const r = MessageReader.of(value, path, sink, ROUTE_ACTION_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  for (const [field, what] of Object.entries(UNSUPPORTED_ACTION_FIELDS)) {
    if (r.has(field)) r.error(field, `${what} ${what.endsWith('s') ? 'are' : 'is'} not supported by the Skiff proxy`);
  }
  const specifier = r.oneof(['cluster', 'cluster_header', 'weighted_clusters', 'cluster_specifier_plugin', 'inline_cluster_specifier_plugin'], true);
  let cluster: string | undefined;
  let clusterHeader: string | undefined;
  let weightedClusters: WeightedClusters | undefined;
  if (specifier === 'cluster') cluster = r.string('cluster', { required: true });
  else if (specifier === 'cluster_header') clusterHeader = r.string('cluster_header', { required: true })?.toLowerCase();
  else if (specifier === 'weighted_clusters') weightedClusters = compileWeightedClusters(r.raw('weighted_clusters'), r.at('weighted_clusters'), sink);

  const notFound = r.enumValue('cluster_not_found_response_code', ['SERVICE_UNAVAILABLE', 'NOT_FOUND', 'INTERNAL_SERVER_ERROR'], 'SERVICE_UNAVAILABLE');
  const clusterNotFoundCode: ClusterNotFoundCode = notFound === 'NOT_FOUND' ? 404 : notFound === 'INTERNAL_SERVER_ERROR' ? 500 : 503;

  const rewriteCount = ['prefix_rewrite', 'regex_rewrite', 'path_rewrite_policy'].filter((k) => r.has(k)).length;
  if (rewriteCount > 1) r.error('', 'only one of prefix_rewrite, regex_rewrite, path_rewrite_policy may be set');
  const prefixRewrite = r.string('prefix_rewrite');
  const regexRewrite = compileRegexRewrite(r, 'regex_rewrite');

  const hostRewrites = ['host_rewrite_literal', 'auto_host_rewrite', 'host_rewrite_header', 'host_rewrite_path_regex'].filter((k) => r.has(k));
  if (hostRewrites.length > 1) r.error('', `only one of ${hostRewrites.join(', ')} may be set`);

  const timeoutMs = r.durationMs('timeout') ?? DEFAULT_ROUTE_TIMEOUT_MS;
  if ((r.durationMs('idle_timeout') ?? 0) > 0) r.error('idle_timeout', 'per-route idle timeouts are not supported by the Skiff proxy');

  let grpcTimeoutHeaderMaxMs: number | undefined;
  const msd = r.message('max_stream_duration', { fields: ['max_stream_duration', 'grpc_timeout_header_max', 'grpc_timeout_header_offset'] });
  if (msd) {
    if ((msd.durationMs('max_stream_duration') ?? 0) > 0) msd.error('max_stream_duration', 'a non-zero max stream duration is not supported by the Skiff proxy');
    grpcTimeoutHeaderMaxMs = msd.durationMs('grpc_timeout_header_max');
    if ((msd.durationMs('grpc_timeout_header_offset') ?? 0) > 0) msd.error('grpc_timeout_header_offset', 'is not supported by the Skiff proxy');
  }

  // The deprecated spelling Istio still sends: max_grpc_timeout "0s" means honour grpc-timeout uncapped.
  if (r.has('max_grpc_timeout') && grpcTimeoutHeaderMaxMs === undefined) grpcTimeoutHeaderMaxMs = r.durationMs('max_grpc_timeout');
  if ((r.durationMs('grpc_timeout_offset') ?? 0) > 0) r.error('grpc_timeout_offset', 'is not supported by the Skiff proxy');

  let retryPolicy: RetryPolicy | undefined;
  if (r.has('retry_policy')) retryPolicy = compileRetryPolicy(r.raw('retry_policy'), r.at('retry_policy'), sink);

  const hashPolicies = r.list('hash_policy').map((h) => compileHashPolicy(h.value, h.path, sink)).filter((h) => h !== undefined);
  const mirrors: RequestMirrorPolicy[] = [];
  for (const m of r.list('request_mirror_policies')) {
    const mr = MessageReader.of(m.value, m.path, sink, {
      fields: ['cluster', 'cluster_header', 'runtime_fraction', 'trace_sampled', 'disable_shadow_host_suffix_append'],
    });
    if (!mr) continue;
    if (mr.has('cluster_header')) mr.error('cluster_header', 'mirroring to a header-named cluster is not supported by the Skiff proxy');
    if (mr.bool('disable_shadow_host_suffix_append', false)) mr.error('disable_shadow_host_suffix_append', 'is not supported by the Skiff proxy');
    const name = mr.string('cluster', { required: true });
    let fraction = 1;
    const rf = mr.message('runtime_fraction', { fields: ['default_value', 'runtime_key'] });
    if (rf) fraction = fractionalPercent(rf, 'default_value') ?? 0;
    if (name !== undefined) mirrors.push({ cluster: name, fraction });
  }
  for (const u of r.list('upgrade_configs')) {
    const ur = MessageReader.of(u.value, u.path, sink, { fields: ['upgrade_type', 'enabled', 'connect_config'] });
    const type = ur?.string('upgrade_type', { required: true });
    if (ur && type !== undefined && type.toLowerCase() !== 'websocket') ur.error('upgrade_type', `upgrade ${JSON.stringify(type)} is not supported by the Skiff proxy`);
    if (ur?.has('connect_config')) ur.error('connect_config', 'CONNECT termination is not supported by the Skiff proxy');
  }
  if (r.has('priority') && r.enumValue('priority', ['DEFAULT', 'HIGH'], 'DEFAULT') !== 'DEFAULT') {
    r.error('priority', 'only DEFAULT routing priority is supported by the Skiff proxy');
  }
  r.bool('include_vh_rate_limits', false);
  if (sink.count > before) return undefined;
  return {
    cluster,
    clusterHeader,
    weightedClusters,
    clusterNotFoundCode,
    prefixRewrite,
    regexRewrite,
    hostRewriteLiteral: r.string('host_rewrite_literal'),
    hostRewriteHeader: r.string('host_rewrite_header')?.toLowerCase(),
    autoHostRewrite: r.bool('auto_host_rewrite', false),
    appendXForwardedHost: r.bool('append_x_forwarded_host', false),
    timeoutMs,
    grpcTimeoutHeaderMaxMs,
    retryPolicy,
    // Most routes have neither: shared empty lists instead of two per route.
    hashPolicies: hashPolicies.length > 0 ? hashPolicies : NO_HASH_POLICIES,
    mirrors: mirrors.length > 0 ? mirrors : NO_MIRRORS,
  };
}

const NO_HASH_POLICIES: readonly HashPolicy[] = Object.freeze([]);
const NO_MIRRORS: readonly RequestMirrorPolicy[] = Object.freeze([]);

export function compileRegexRewrite(r: MessageReader, key: string): RegexRewrite | undefined {
  const rw = r.message(key, { fields: ['pattern', 'substitution'] });
  if (!rw) return undefined;
  const p = rw.message('pattern', { fields: ['regex'], ignored: { google_re2: 'no RE2 program limits in JavaScript' } });
  if (!p) return rw.error('pattern', 'is required');
  const pattern = p.string('regex', { required: true });
  if (pattern === undefined) return undefined;
  const re = compileSearch(pattern);
  if (typeof re === 'string') return p.error('regex', re);
  return { re, substitution: translateSubstitution(rw.string('substitution') ?? '') };
}

const WEIGHTED_CLUSTERS_SPEC = {
  fields: ['clusters', 'total_weight', 'runtime_key_prefix', 'header_name', 'random_value_specifier'],
};
const CLUSTER_WEIGHT_SPEC = {
  fields: [
    'name', 'cluster_header', 'weight', 'metadata_match', 'request_headers_to_add', 'request_headers_to_remove',
    'response_headers_to_add', 'response_headers_to_remove', 'typed_per_filter_config', 'host_rewrite_literal',
  ],
};

function compileWeightedClusters(value: unknown, path: string, sink: ErrorSink): WeightedClusters | undefined {
  const r = MessageReader.of(value, path, sink, WEIGHTED_CLUSTERS_SPEC);
  if (!r) return undefined;
  if (r.has('header_name')) r.error('header_name', 'choosing the weight bucket from a header is not supported by the Skiff proxy');
  if (r.has('random_value_specifier')) r.error('random_value_specifier', 'is not supported by the Skiff proxy');
  const clusters: WeightedCluster[] = [];
  const entries = r.list('clusters');
  if (entries.length === 0) return r.error('clusters', 'must list at least one cluster');
  for (const c of entries) {
    const cr = MessageReader.of(c.value, c.path, sink, CLUSTER_WEIGHT_SPEC);
    if (!cr) continue;
    if (cr.has('cluster_header')) cr.error('cluster_header', 'header-named weighted clusters are not supported by the Skiff proxy');
    if (cr.has('metadata_match')) cr.error('metadata_match', 'subset load balancing (metadata_match) is not supported by the Skiff proxy');
    const name = cr.string('name', { required: true });
    const weight = cr.int('weight', 0, 0, 0xffffffff);
    if (name === undefined) continue;
    clusters.push({
      name,
      weight,
      requestHeaders: compileHeaderMutation(cr, 'request_headers_to_add', 'request_headers_to_remove', sink),
      responseHeaders: compileHeaderMutation(cr, 'response_headers_to_add', 'response_headers_to_remove', sink),
      perFilterConfigs: compilePerFilterConfigs(cr, 'typed_per_filter_config', sink),
      hostRewriteLiteral: cr.string('host_rewrite_literal'),
    });
  }
  const sum = clusters.reduce((s, c) => s + c.weight, 0);
  if (r.has('total_weight')) {
    const total = r.int('total_weight', 0, 1, 0xffffffff);
    if (total !== sum) return r.error('total_weight', `is ${total} but the cluster weights add up to ${sum}`);
  }
  if (sum === 0) return r.error('clusters', 'the sum of the cluster weights must be greater than 0');
  const cumulative: number[] = [];
  let running = 0;
  for (const c of clusters) cumulative.push((running += c.weight));
  return { clusters, totalWeight: sum, cumulative };
}

/** Picks the weighted cluster for a random value in [0, totalWeight). */
export function pickWeightedCluster(w: WeightedClusters, value: number): WeightedCluster {
  const cum = w.cumulative;
  for (let i = 0; i < cum.length; i++) if (value < cum[i]!) return w.clusters[i]!;
  return w.clusters[w.clusters.length - 1]!;
}

