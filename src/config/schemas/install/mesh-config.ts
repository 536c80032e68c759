// MeshConfig (istio/api mesh/v1alpha1/config.proto) and the ProxyConfig in its defaultConfig.
// Both are large; the fields Skiff acts on are validated strictly, every other documented field is
// accepted with a loose schema, and a field Istio does not document is an error.
import { z } from 'zod';
import { oneOf, parseDurationMs, port, strictObject } from '../common.js';
import { looseObject } from '../kubernetes/meta.js';
import { extensionProviders } from './extension-provider.js';

const duration = z.string().refine((s) => parseDurationMs(s) !== undefined, 'expected a duration such as "10s" or "100ms"');
const int = z.number().int('expected a whole number');
const stringList = z.array(z.string());
const stringMap = z.record(z.string(), z.string({ error: (iss) => (iss.input === undefined ? undefined : 'values are strings: quote numbers and booleans') }));
/** A documented field Skiff stores but does not interpret. */
const open = z.unknown().optional();

/** `istiod.istio-system.svc:15012`: host and port, as discoveryAddress and statsdUdpAddress are written. */
const hostPort = z.string().regex(/^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port, e.g. "istiod.istio-system.svc:15012"')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535 && Number(s.slice(s.lastIndexOf(':') + 1)) >= 1, 'port must be between 1 and 65535');

export const proxyConfigSchema = strictObject({
  // Validated: what the sidecar bootstrap reads.
  discoveryAddress: hostPort.optional(),
  proxyMetadata: stringMap.optional(),
  holdApplicationUntilProxyStarts: z.boolean().nullable().optional(),
  concurrency: int.min(0, 'concurrency must be 0 (one worker per core) or more').nullable().optional(),
  drainDuration: duration.optional(),
  terminationDrainDuration: duration.optional(),
  proxyAdminPort: port.optional(),
  statusPort: port.optional(),
  interceptionMode: oneOf(['REDIRECT', 'TPROXY', 'NONE']).optional(),
  tracingServiceName: oneOf(['APP_LABEL_AND_NAMESPACE', 'CANONICAL_NAME_ONLY', 'CANONICAL_NAME_AND_NAMESPACE']).optional(),
  serviceCluster: z.string().optional(),
  meshId: z.string().optional(),
  extraStatTags: stringList.optional(),
  statsdUdpAddress: hostPort.optional(),
  // Documented, stored as given.
  configPath: z.string().optional(),
  binaryPath: z.string().optional(),
  discoveryRefreshDelay: open,
  zipkinAddress: open,
  envoyMetricsServiceAddress: open,
  availabilityZone: open,
  controlPlaneAuthPolicy: open,
  customConfigFile: open,
  statNameLength: open,
  proxyBootstrapTemplatePath: open,
  tracing: looseObject.optional(),
  sds: open,
  envoyAccessLogService: open,
  envoyMetricsService: open,
  runtimeValues: stringMap.optional(),
  gatewayTopology: open,
  readinessProbe: open,
  proxyStatsMatcher: open,
  caCertificatesPem: open,
  image: open,
  privateKeyProvider: open,
  proxyHeaders: open,
  fileFlushInterval: open,
  fileFlushMinSizeKb: open,
  statsCompression: open,
  connectionSettings: open,
});
export type ProxyConfig = z.infer<typeof proxyConfigSchema>;

export const OUTBOUND_TRAFFIC_MODES = ['ALLOW_ANY', 'REGISTRY_ONLY', 'ALLOW_ANY_DYNAMIC_DNS'] as const;

export const meshConfigSchema = strictObject({
  // Validated: access logging, tracing, mTLS and egress behaviour, extension providers.
  accessLogFile: z.string().optional(),
  accessLogEncoding: oneOf(['TEXT', 'JSON']).optional(),
  accessLogFormat: z.string().optional(),
  enableTracing: z.boolean().optional(),
  enableAutoMtls: z.boolean().nullable().optional(),
  outboundTrafficPolicy: strictObject({ mode: oneOf(OUTBOUND_TRAFFIC_MODES).optional(), tls: looseObject.optional() }).optional(),
  defaultConfig: proxyConfigSchema.optional(),
  extensionProviders: extensionProviders.optional(),
  defaultProviders: strictObject({ tracing: stringList.optional(), metrics: stringList.optional(), accessLogging: stringList.optional() }).optional(),
  trustDomain: z.string().optional(),
  trustDomainAliases: stringList.optional(),
  rootNamespace: z.string().optional(),
  connectTimeout: duration.optional(),
  protocolDetectionTimeout: duration.optional(),
  // Documented, stored as given.
  proxyListenPort: open,
  proxyInboundListenPort: open,
  proxyHttpPort: open,
  hboneIdleTimeout: open,
  tcpKeepalive: open,
  ingressClass: open,
  ingressService: open,
  ingressControllerMode: open,
  ingressSelector: open,
  enableEnvoyAccessLogService: open,
  disableEnvoyListenerLog: open,
  inboundTrafficPolicy: open,
  configSources: open,
  caCertificates: open,
  defaultServiceExportTo: open,
  defaultVirtualServiceExportTo: open,
  defaultDestinationRuleExportTo: open,
  localityLbSetting: open,
  zoneAwareLbSetting: open,
  dnsRefreshRate: open,
  h2UpgradePolicy: open,
  inboundClusterStatName: open,
  outboundClusterStatName: open,
  certificates: open,
  serviceSettings: open,
  serviceScopeConfigs: open,
  enablePrometheusMerge: open,
  verifyCertificateAtClient: open,
  ca: open,
  discoverySelectors: open,
  pathNormalization: open,
  defaultHttpRetryPolicy: open,
  meshMTLS: open,
  tlsDefaults: open,
  defaultTrafficPolicy: open,
  serviceEntryVisibility: open,
});
export type MeshConfig = z.infer<typeof meshConfigSchema>;
