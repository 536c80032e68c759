// TrafficPolicy of a DestinationRule (and of its subsets and ports): connection pools, outlier
// detection, load balancing, client TLS, tunnelling and the PROXY protocol.
import { z } from 'zod';
import { port } from '../common.js';
import { bool, durationOrZero, enumOf, expected, int, istioDuration, isSet, issue, list, nonNegativeInt, str, strict, uint32 } from './fields.js';
import { portSelector } from './destination.js';
import { fqdnProblem, isIpAddress } from './hosts.js';
import { loadBalancerSettings } from './load-balancer.js';
import { clientTlsSettings } from './tls-settings.js';

export const H2_UPGRADE_POLICIES = ['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'] as const;

const tcpSettings = strict({
  maxConnections: nonNegativeInt.optional(),
  connectTimeout: istioDuration.optional(),
  tcpKeepalive: strict({
    probes: uint32.optional(),
    time: istioDuration.optional(),
    interval: istioDuration.optional(),
  }).optional(),
  maxConnectionDuration: istioDuration.optional(),
  // `0s` turns the idle timeout off.
  idleTimeout: durationOrZero.optional(),
});

const httpSettings = strict({
  http1MaxPendingRequests: nonNegativeInt.optional(),
  http2MaxRequests: nonNegativeInt.optional(),
  maxRequestsPerConnection: nonNegativeInt.optional(),
  maxRetries: nonNegativeInt.optional(),
  idleTimeout: istioDuration.optional(),
  h2UpgradePolicy: enumOf(H2_UPGRADE_POLICIES).optional(),
  useClientProtocol: bool.optional(),
  maxConcurrentStreams: nonNegativeInt.optional(),
  http2KeepAlive: strict({
    interval: istioDuration.optional(),
    timeout: istioDuration.optional(),
  }).optional(),
}).superRefine((h, ctx) => {
  if (h.h2UpgradePolicy === 'UPGRADE' && h.useClientProtocol) issue(ctx, ['useClientProtocol'], 'useClientProtocol cannot be true when h2UpgradePolicy is UPGRADE');
  if (h.http2KeepAlive) {
    if (h.http2KeepAlive.interval === undefined) issue(ctx, ['http2KeepAlive', 'interval'], 'http2KeepAlive needs an interval');
    if (h.http2KeepAlive.timeout === undefined) issue(ctx, ['http2KeepAlive', 'timeout'], 'http2KeepAlive needs a timeout');
  }
});

export const connectionPoolSettings = strict({
  tcp: tcpSettings.optional(),
  http: httpSettings.optional(),
}).superRefine((p, ctx) => {
  if (!p.tcp && !p.http) issue(ctx, [], 'connectionPool needs "tcp" or "http" settings');
});
export type ConnectionPoolSettings = z.infer<typeof connectionPoolSettings>;
export type TCPSettings = z.infer<typeof tcpSettings>;
export type HTTPSettings = z.infer<typeof httpSettings>;

const percentInt = int({ min: 0, max: 100, what: 'a percentage' });

export const outlierDetection = strict({
  consecutiveErrors: nonNegativeInt.optional(),
  splitExternalLocalOriginErrors: bool.optional(),
  consecutiveLocalOriginFailures: uint32.optional(),
  consecutiveGatewayErrors: uint32.optional(),
  consecutive5xxErrors: uint32.optional(),
  interval: istioDuration.optional(),
  baseEjectionTime: istioDuration.optional(),
  maxEjectionPercent: percentInt.optional(),
  minHealthPercent: percentInt.optional(),
  outlierDetectionHttpErrorCodes: list(int({ min: 100, max: 599, what: 'an HTTP status' })).optional(),
}).superRefine((o, ctx) => {
  if (!o.splitExternalLocalOriginErrors && (o.consecutiveLocalOriginFailures ?? 0) > 0) {
    issue(ctx, ['consecutiveLocalOriginFailures'], 'consecutiveLocalOriginFailures needs splitExternalLocalOriginErrors: true');
  }
});
export type OutlierDetection = z.infer<typeof outlierDetection>;

export const tunnelSettings = strict({
  protocol: str.optional(),
  targetHost: str,
  targetPort: port,
}).superRefine((t, ctx) => {
  if (t.protocol && t.protocol !== 'CONNECT' && t.protocol !== 'POST') issue(ctx, ['protocol'], `unknown tunnel protocol "${t.protocol}": expected "CONNECT" or "POST"`);
  if (fqdnProblem(t.targetHost) && !isIpAddress(t.targetHost)) issue(ctx, ['targetHost'], `tunnel targetHost "${t.targetHost}" must be a host name or an IP address`);
});
export type TunnelSettings = z.infer<typeof tunnelSettings>;

export const proxyProtocol = strict({ version: enumOf(['V1', 'V2']).optional() });
export type ProxyProtocol = z.infer<typeof proxyProtocol>;

export const retryBudget = strict({
  percent: z.number({ error: expected('a number between 0 and 100') }).min(0, 'expected a number between 0 and 100').max(100, 'expected a number between 0 and 100').optional(),
  minRetryConcurrency: uint32.optional(),
  budgetInterval: istioDuration.optional(),
});
export type RetryBudget = z.infer<typeof retryBudget>;

const POLICY_PARTS = ['loadBalancer', 'connectionPool', 'outlierDetection', 'tls'] as const;

export const portTrafficPolicy = strict({
  port: portSelector.optional(),
  loadBalancer: loadBalancerSettings.optional(),
  connectionPool: connectionPoolSettings.optional(),
  outlierDetection: outlierDetection.optional(),
  tls: clientTlsSettings.optional(),
}).superRefine((p, ctx) => {
  if (!p.port) issue(ctx, ['port'], 'a port-level setting needs a port, e.g. port: {number: 9080}');
  if (!POLICY_PARTS.some((k) => p[k] !== undefined)) issue(ctx, [], `a port-level setting needs at least one of ${POLICY_PARTS.join(', ')}`);
});
export type PortTrafficPolicy = z.infer<typeof portTrafficPolicy>;

export const trafficPolicy = strict({
  loadBalancer: loadBalancerSettings.optional(),
  connectionPool: connectionPoolSettings.optional(),
  outlierDetection: outlierDetection.optional(),
  tls: clientTlsSettings.optional(),
  portLevelSettings: list(portTrafficPolicy).optional(),
  tunnel: tunnelSettings.optional(),
  proxyProtocol: proxyProtocol.optional(),
  retryBudget: retryBudget.optional(),
}).superRefine((t, ctx) => {
  if (!Object.values(t).some(isSet)) issue(ctx, [], 'trafficPolicy is empty: set at least one of loadBalancer, connectionPool, outlierDetection, tls, portLevelSettings, tunnel, proxyProtocol or retryBudget');
  if (t.tunnel && t.proxyProtocol) issue(ctx, ['proxyProtocol'], 'tunnel and proxyProtocol cannot be set together');
  const ports = new Set<number>();
  (t.portLevelSettings ?? []).forEach((p, i) => {
    if (p.port && ports.has(p.port.number)) issue(ctx, ['portLevelSettings', i, 'port', 'number'], `port ${p.port.number} already has port-level settings`);
    if (p.port) ports.add(p.port.number);
  });
});
export type TrafficPolicy = z.infer<typeof trafficPolicy>;
