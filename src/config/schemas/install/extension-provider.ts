// MeshConfig.extensionProviders: the external authorizers, tracers and access loggers that
// AuthorizationPolicy (CUSTOM) and Telemetry name. Schema of istio/api mesh/v1alpha1/config.proto
// with the checks of istiod's agent/extensionprovider.go.
import { z } from 'zod';
import { isIPAddress, oneOf, positiveDuration, strictObject } from '../common.js';
import { looseObject } from '../kubernetes/meta.js';

const HOST_LABEL_RE = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

function isHostname(host: string): boolean {
  const h = host.replace(/\.$/, '');
  return h.length > 0 && h.length <= 255 && h.split('.').every((label) => label.length <= 63 && HOST_LABEL_RE.test(label));
}

/** `authz.foo.svc.cluster.local`, an IP, or `namespace/hostname` as Istio accepts it. */
export function providerServiceProblem(service: string): string | undefined {
  if (service.includes('://')) return `invalid service "${service}": expected a hostname, not a URL`;
  const slash = service.indexOf('/');
  if (slash < 0) return isHostname(service) || isIPAddress(service) ? undefined : `invalid service "${service}": expected a hostname, an IP address or namespace/hostname`;
  const ns = service.slice(0, slash);
  const host = service.slice(slash + 1);
  if (!(ns === '*' || ns === '.' || ns === '~' || /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/.test(ns))) return `invalid namespace "${ns}" in service "${service}"`;
  return host === '*' || isHostname(host.replace(/^\*\./, '')) ? undefined : `invalid hostname "${host}" in service "${service}"`;
}

const service = z.string().min(1, 'service must not be empty').superRefine((s, ctx) => {
  const problem = providerServiceProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const servicePort = z.number({ error: (iss) => (iss.input === undefined ? 'port is required' : 'expected a port number between 1 and 65535') })
  .int('expected a port number between 1 and 65535').min(1, 'expected a port number between 1 and 65535').max(65535, 'expected a port number between 1 and 65535');
const maxTagLength = z.number().int().min(0).optional();
const statusOnError = z.string().regex(/^[1-5]\d\d$/, 'statusOnError must be an HTTP status code such as "403" or "503"');
const headerList = z.array(z.string().min(1, 'header name must not be empty'));

const requestBody = strictObject({
  maxRequestBytes: z.number().int().min(0).optional(),
  allowPartialMessage: z.boolean().optional(),
  packAsBytes: z.boolean().optional(),
});

const httpHeader = strictObject({ name: z.string().min(1, 'name must not be empty'), value: z.string().optional(), envName: z.string().optional() })
  .superRefine((h, ctx) => {
    if (h.value !== undefined && h.envName !== undefined) ctx.addIssue({ code: 'custom', path: ['envName'], message: 'only one of value or envName can be set' });
  });

export const envoyExtAuthzHttpSchema = strictObject({
  service, port: servicePort,
  timeout: positiveDuration.optional(),
  pathPrefix: z.string().startsWith('/', 'pathPrefix must begin with "/"').optional(),
  failOpen: z.boolean().optional(),
  clearRouteCache: z.boolean().optional(),
  statusOnError: statusOnError.optional(),
  includeHeadersInCheck: headerList.optional(),
  includeRequestHeadersInCheck: headerList.optional(),
  includeAdditionalHeadersInCheck: z.record(z.string(), z.string()).optional(),
  includeRequestBodyInCheck: requestBody.optional(),
  headersToUpstreamOnAllow: headerList.optional(),
  headersToDownstreamOnDeny: headerList.optional(),
  headersToDownstreamOnAllow: headerList.optional(),
});

export const envoyExtAuthzGrpcSchema = strictObject({
  service, port: servicePort,
  timeout: positiveDuration.optional(),
  failOpen: z.boolean().optional(),
  clearRouteCache: z.boolean().optional(),
  statusOnError: statusOnError.optional(),
  includeRequestBodyInCheck: requestBody.optional(),
});

export const zipkinProviderSchema = strictObject({
  service, port: servicePort, maxTagLength,
  enable64bitTraceId: z.boolean().optional(),
  path: z.string().optional(),
  traceContextOption: oneOf(['USE_B3', 'USE_B3_WITH_W3C_PROPAGATION']).optional(),
  timeout: positiveDuration.optional(),
  headers: z.array(httpHeader).optional(),
});

export const openTelemetryProviderSchema = strictObject({
  service, port: servicePort, maxTagLength,
  http: strictObject({ path: z.string().optional(), timeout: positiveDuration.optional(), headers: z.array(httpHeader).optional() }).optional(),
  grpc: strictObject({ timeout: positiveDuration.optional(), initialMetadata: z.array(httpHeader).optional() }).optional(),
  resourceDetectors: looseObject.optional(),
  serviceAttributeEnrichment: oneOf(['ISTIO_CANONICAL', 'OTEL_SEMANTIC_CONVENTIONS']).optional(),
  dynatraceSampler: looseObject.optional(),
}).superRefine((p, ctx) => {
  if (p.http !== undefined && p.grpc !== undefined) ctx.addIssue({ code: 'custom', path: ['grpc'], message: 'cannot specify both grpc and http' });
});

const logFormat = strictObject({ text: z.string().optional(), labels: looseObject.optional() }).superRefine((f, ctx) => {
  if (f.text !== undefined && f.labels !== undefined) ctx.addIssue({ code: 'custom', path: ['labels'], message: 'only one of text or labels can be set' });
});

export const envoyFileAccessLogSchema = strictObject({
  path: z.string().optional(),
  logFormat: logFormat.optional(),
  omitEmptyValues: z.boolean().optional(),
});

const grpcLogFields = { service, port: servicePort, logName: z.string().optional() };

/** Provider types and their schemas; deprecated ones (lightstep, opencensus, stackdriver) are stored as given. */
const PROVIDERS = {
  envoyExtAuthzHttp: envoyExtAuthzHttpSchema,
  envoyExtAuthzGrpc: envoyExtAuthzGrpcSchema,
  zipkin: zipkinProviderSchema,
  datadog: strictObject({ service, port: servicePort, maxTagLength }),
  skywalking: strictObject({ service, port: servicePort, accessToken: z.string().optional() }),
  opentelemetry: openTelemetryProviderSchema,
  prometheus: strictObject({}),
  envoyFileAccessLog: envoyFileAccessLogSchema,
  envoyHttpAls: strictObject({
    ...grpcLogFields,
    filterStateObjectsToLog: z.array(z.string()).optional(),
    additionalRequestHeadersToLog: headerList.optional(),
    additionalResponseHeadersToLog: headerList.optional(),
    additionalResponseTrailersToLog: headerList.optional(),
  }),
  envoyTcpAls: strictObject({ ...grpcLogFields, filterStateObjectsToLog: z.array(z.string()).optional() }),
  envoyOtelAls: strictObject({ ...grpcLogFields, logFormat: strictObject({ text: z.string().optional(), labels: looseObject.optional() }).optional() }),
  sds: strictObject({ name: z.string().optional(), service, port: servicePort }),
  lightstep: looseObject,
  opencensus: looseObject,
  stackdriver: looseObject,
};
const PROVIDER_TYPES = Object.keys(PROVIDERS) as (keyof typeof PROVIDERS)[];

export const extensionProviderSchema = strictObject({
  name: z.string().min(1, 'name must not be empty'),
  ...Object.fromEntries(PROVIDER_TYPES.map((k) => [k, PROVIDERS[k].optional()])) as { [K in keyof typeof PROVIDERS]: z.ZodOptional<(typeof PROVIDERS)[K]> },
}).superRefine((p, ctx) => {
  const set = PROVIDER_TYPES.filter((k) => p[k] !== undefined);
  if (set.length === 0) ctx.addIssue({ code: 'custom', message: `extension provider "${p.name}" must set one provider type: ${PROVIDER_TYPES.join(', ')}` });
  if (set.length > 1) ctx.addIssue({ code: 'custom', path: [set[1]!], message: `an extension provider has exactly one type (found ${set.join(' and ')})` });
});
export type ExtensionProvider = z.infer<typeof extensionProviderSchema>;

export const extensionProviders = z.array(extensionProviderSchema).superRefine((providers, ctx) => {
  const names = new Set<string>();
  providers.forEach((p, i) => {
    if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate extension provider name "${p.name}"` });
    names.add(p.name);
  });
});
