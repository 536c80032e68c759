// envoy.extensions.filters.http.cors.v3.CorsPolicy (per route or virtual host); the filter-level
// Cors message has no fields.

import { fractionalPercent } from '../../../config/percent.js';
import { ErrorSink, MessageReader } from '../../../config/reader.js';
import { compileStringMatcher, type StringMatch } from '../../../config/string-matcher.js';

export const CORS_TYPE = 'envoy.extensions.filters.http.cors.v3.Cors';
export const CORS_POLICY_TYPE = 'envoy.extensions.filters.http.cors.v3.CorsPolicy';

export interface CorsPolicy {
  readonly allowOrigins: readonly StringMatch[];
  readonly allowMethods?: string;
  readonly allowHeaders?: string;
  readonly exposeHeaders?: string;
  readonly maxAge?: string;
  readonly allowCredentials: boolean;
  /** Probability the policy is enforced (filter_enabled); shadow mode is not supported. */
  readonly enabled: number;
  readonly forwardNotMatchingPreflights: boolean;
  readonly allowPrivateNetworkAccess: boolean;
}

const SPEC = {
  fields: [
    '@type', 'allow_origin_string_match', 'allow_methods', 'allow_headers', 'expose_headers', 'max_age', 'allow_credentials',
    'filter_enabled', 'shadow_enabled', 'allow_private_network_access', 'forward_not_matching_preflights',
  ],
};

export function compileCorsPolicy(value: unknown, path: string, sink: ErrorSink): CorsPolicy | undefined {
  const r = MessageReader.of(value, path, sink, SPEC);
  if (!r) return undefined;
  const before = sink.count;
  const allowOrigins = r.list('allow_origin_string_match').map((m) => compileStringMatcher(m.value, m.path, sink)).filter((m) => m !== undefined);
  let enabled = 1;
  const fe = r.message('filter_enabled', { fields: ['default_value', 'runtime_key'] });
  if (fe) enabled = fractionalPercent(fe, 'default_value') ?? 0;
  if (r.has('shadow_enabled')) r.error('shadow_enabled', 'CORS shadow mode is not supported by the Skiff proxy');
  if (sink.count > before) return undefined;
  return {
    allowOrigins,
    allowMethods: r.string('allow_methods') || undefined,
    allowHeaders: r.string('allow_headers') || undefined,
    exposeHeaders: r.string('expose_headers') || undefined,
    maxAge: r.string('max_age') || undefined,
    allowCredentials: r.bool('allow_credentials', false),
    enabled,
    forwardNotMatchingPreflights: r.bool('forward_not_matching_preflights', true),
    allowPrivateNetworkAccess: r.bool('allow_private_network_access', false),
  };
}

export function compileCorsFilterConfig(value: unknown, path: string, sink: ErrorSink): true | undefined {
  return MessageReader.of(value, path, sink, { fields: ['@type'] }) ? true : undefined;
}
