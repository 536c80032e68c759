// Service (core/v1) with Kubernetes' validation rules. Port names matter doubly in a mesh: Istio
// reads a port's protocol from its name prefix (`http`, `grpc-web`, `tcp-db`) or appProtocol.
import { z } from 'zod';
import { isIPAddress, labelMap, oneOf, port, strictObject } from '../common.js';
import { PROTOCOLS } from './container.js';
import { dnsLabel, dnsSubdomain, looseObject, portNumberOrName } from './meta.js';

/** appProtocol is a qualified name: `http`, `kubernetes.io/h2c`, `istio.io/...`. */
const QUALIFIED_NAME_RE = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export const servicePortSchema = strictObject({
  name: dnsLabel.optional(),
  protocol: oneOf(PROTOCOLS).optional(),
  appProtocol: z.string().regex(QUALIFIED_NAME_RE, 'appProtocol must be a name such as "http", "grpc" or "kubernetes.io/h2c"').optional(),
  port,
  targetPort: portNumberOrName.optional(),
  nodePort: port.optional(),
});
export type ServicePort = z.infer<typeof servicePortSchema>;

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

const clusterIP = z.string().refine((ip) => ip === '' || ip === 'None' || isIPAddress(ip), 'clusterIP must be "None", empty or an IP address');
const trafficPolicy = oneOf(['Cluster', 'Local']);

export const serviceSpecSchema = strictObject({
  ports: z.array(servicePortSchema).optional(),
  selector: labelMap.optional(),
  clusterIP: clusterIP.optional(),
  clusterIPs: z.array(clusterIP).max(2, 'at most two clusterIPs (one per IP family)').optional(),
  type: oneOf(SERVICE_TYPES).optional(),
  externalIPs: z.array(z.string().refine(isIPAddress, 'expected an IP address')).optional(),
  sessionAffinity: oneOf(['ClientIP', 'None']).optional(),
  sessionAffinityConfig: looseObject.optional(),
  loadBalancerIP: z.string().optional(),
  loadBalancerSourceRanges: z.array(z.string()).optional(),
  loadBalancerClass: z.string().optional(),
  allocateLoadBalancerNodePorts: z.boolean().optional(),
  externalName: z.string().optional(),
  externalTrafficPolicy: trafficPolicy.optional(),
  internalTrafficPolicy: trafficPolicy.optional(),
  healthCheckNodePort: port.optional(),
  publishNotReadyAddresses: z.boolean().optional(),
  ipFamilies: z.array(oneOf(['IPv4', 'IPv6'])).max(2).optional(),
  ipFamilyPolicy: oneOf(['SingleStack', 'PreferDualStack', 'RequireDualStack']).optional(),
  trafficDistribution: z.string().optional(),
}).superRefine((spec, ctx) => {
  const type = spec.type ?? 'ClusterIP';
  const ports = spec.ports ?? [];
  if (type === 'ExternalName') {
    if (!spec.externalName) ctx.addIssue({ code: 'custom', path: ['externalName'], message: 'externalName is required for type ExternalName' });
    else if (!dnsSubdomain.safeParse(spec.externalName.replace(/\.$/, '')).success) ctx.addIssue({ code: 'custom', path: ['externalName'], message: 'externalName must be a lowercase DNS name' });
    if (spec.clusterIP) ctx.addIssue({ code: 'custom', path: ['clusterIP'], message: 'clusterIP may not be set for type ExternalName' });
  } else if (ports.length === 0 && spec.clusterIP !== 'None') {
    ctx.addIssue({ code: 'custom', path: ['ports'], message: 'at least one port is required (unless clusterIP is None or type is ExternalName)' });
  }
  const names = new Set<string>();
  const portProtocols = new Set<string>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && !p.name) ctx.addIssue({ code: 'custom', path: ['ports', i, 'name'], message: 'name is required when a Service has more than one port' });
    if (p.name !== undefined) {
      if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['ports', i, 'name'], message: `duplicate port name "${p.name}"` });
      names.add(p.name);
    }
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (portProtocols.has(key)) ctx.addIssue({ code: 'custom', path: ['ports', i], message: `duplicate port ${p.port} with protocol ${p.protocol ?? 'TCP'}` });
    portProtocols.add(key);
    if (p.nodePort !== undefined && (type === 'ClusterIP' || type === 'ExternalName')) {
      ctx.addIssue({ code: 'custom', path: ['ports', i, 'nodePort'], message: `may not be used when type is ${type}` });
    }
  });
  if (spec.clusterIPs?.length && spec.clusterIP !== undefined && spec.clusterIPs[0] !== spec.clusterIP) {
    ctx.addIssue({ code: 'custom', path: ['clusterIPs', 0], message: 'must match clusterIP' });
  }
});
export type ServiceSpec = z.infer<typeof serviceSpecSchema>;

export const service = strictObject({ spec: serviceSpecSchema, status: z.unknown().optional() });
