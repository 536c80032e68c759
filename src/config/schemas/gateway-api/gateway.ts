// Gateway (gateway.networking.k8s.io/v1, standard channel): listeners and addresses, with the
// CRD's schema and CEL rules.
import { z } from 'zod';
import { isIPAddress, oneOf, port, strictObject } from '../common.js';
import { labelSelectorSchema } from '../kubernetes/meta.js';
import { groupName, hostname, kindName, namespaceName, objectName, sectionName } from './shared.js';

/**
 * Gateway API's core protocols, plus Istio's HBONE, which waypoint Gateways (gatewayClassName
 * istio-waypoint) listen with on port 15008.
 */
export const LISTENER_PROTOCOLS = ['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP', 'HBONE'] as const;
export type ListenerProtocol = (typeof LISTENER_PROTOCOLS)[number];

export const secretObjectReferenceSchema = strictObject({
  group: groupName.optional(),
  kind: kindName.optional(),
  name: objectName,
  namespace: namespaceName.optional(),
});
export type SecretObjectReference = z.infer<typeof secretObjectReferenceSchema>;

export const gatewayTLSConfigSchema = strictObject({
  mode: oneOf(['Terminate', 'Passthrough']).optional(),
  certificateRefs: z.array(secretObjectReferenceSchema).max(64, 'at most 64 certificateRefs').optional(),
  options: z.record(z.string(), z.string().max(4096)).refine((o) => Object.keys(o).length <= 16, 'at most 16 options').optional(),
}).superRefine((tls, ctx) => {
  // Terminate is the default mode, and terminating needs a certificate (or implementation options).
  if ((tls.mode ?? 'Terminate') === 'Terminate' && !tls.certificateRefs?.length && Object.keys(tls.options ?? {}).length === 0) {
    ctx.addIssue({ code: 'custom', path: ['certificateRefs'], message: 'certificateRefs or options must be specified when mode is Terminate' });
  }
});
export type GatewayTLSConfig = z.infer<typeof gatewayTLSConfigSchema>;

export const routeNamespacesSchema = strictObject({
  from: oneOf(['All', 'Selector', 'Same']).optional(),
  selector: labelSelectorSchema.optional(),
}).superRefine((ns, ctx) => {
  if (ns.from === 'Selector' && ns.selector === undefined) ctx.addIssue({ code: 'custom', path: ['selector'], message: 'selector is required when from is Selector' });
});

export const allowedRoutesSchema = strictObject({
  namespaces: routeNamespacesSchema.optional(),
  kinds: z.array(strictObject({ group: groupName.optional(), kind: kindName })).max(8, 'at most 8 kinds').optional(),
});
export type AllowedRoutes = z.infer<typeof allowedRoutesSchema>;

export const listenerSchema = strictObject({
  name: sectionName,
  hostname: hostname.optional(),
  port,
  protocol: oneOf(LISTENER_PROTOCOLS),
  tls: gatewayTLSConfigSchema.optional(),
  allowedRoutes: allowedRoutesSchema.optional(),
}).superRefine((l, ctx) => {
  if ((l.protocol === 'HTTP' || l.protocol === 'TCP' || l.protocol === 'UDP') && l.tls !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['tls'], message: `tls must not be specified for protocol ${l.protocol}` });
  }
  if (l.protocol === 'HTTPS') {
    if (l.tls === undefined) ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls with certificateRefs is required for protocol HTTPS' });
    else if ((l.tls.mode ?? 'Terminate') !== 'Terminate') ctx.addIssue({ code: 'custom', path: ['tls', 'mode'], message: 'tls mode must be Terminate for protocol HTTPS' });
  }
  // mode defaults to Terminate, so for TLS the CRD's "mode must be set" comes down to tls being there.
  if (l.protocol === 'TLS' && l.tls === undefined) {
    ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls (mode Terminate or Passthrough) is required for protocol TLS' });
  }
  if ((l.protocol === 'TCP' || l.protocol === 'UDP') && l.hostname) {
    ctx.addIssue({ code: 'custom', path: ['hostname'], message: `hostname must not be specified for protocol ${l.protocol}` });
  }
});
export type Listener = z.infer<typeof listenerSchema>;

const HOSTNAME_ADDRESS_RE = /^(?:\*\.)?[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const ADDRESS_TYPE_RE = /^(?:Hostname|IPAddress|NamedAddress|[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+)$/;

export const gatewayAddressSchema = strictObject({
  type: z.string().min(1).max(253).regex(ADDRESS_TYPE_RE, 'type must be Hostname, IPAddress, NamedAddress or a domain-prefixed type').optional(),
  value: z.string().max(253).optional(),
}).superRefine((a, ctx) => {
  const type = a.type ?? 'IPAddress';
  if (type === 'IPAddress' && a.value !== undefined && !isIPAddress(a.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: `"${a.value}" is not an IP address` });
  if (type === 'Hostname' && a.value && !HOSTNAME_ADDRESS_RE.test(a.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: `"${a.value}" is not a valid hostname` });
});
export type GatewayAddress = z.infer<typeof gatewayAddressSchema>;

const LABEL_KEY_RE = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?(?:[A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;
const infraKey = z.string().regex(LABEL_KEY_RE, 'keys must be an optional DNS subdomain prefix and a name of up to 63 characters');

export const gatewayInfrastructureSchema = strictObject({
  labels: z.record(infraKey, z.string().max(63).regex(/^(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, 'invalid label value'))
    .refine((m) => Object.keys(m).length <= 8, 'at most 8 labels').optional(),
  annotations: z.record(infraKey, z.string().max(4096)).refine((m) => Object.keys(m).length <= 16, 'at most 16 annotations').optional(),
  parametersRef: strictObject({ group: groupName, kind: kindName, name: objectName }).optional(),
});

const caCertificateRefs = z.array(strictObject({ group: groupName, kind: kindName, name: objectName, namespace: namespaceName.optional() }))
  .min(1, 'at least one caCertificateRef').max(16, 'at most 16 caCertificateRefs');
const frontendValidation = strictObject({
  caCertificateRefs,
  mode: oneOf(['AllowValidOnly', 'AllowInsecureFallback']).optional(),
});

export const gatewayTLSSchema = strictObject({
  backend: strictObject({ clientCertificateRef: secretObjectReferenceSchema.optional() }).optional(),
  frontend: strictObject({
    default: strictObject({ validation: frontendValidation.optional() }),
    perPort: z.array(strictObject({ port, tls: strictObject({ validation: frontendValidation.optional() }) })).max(64).superRefine((items, ctx) => {
      const seen = new Set<number>();
      items.forEach((p, i) => {
        if (seen.has(p.port)) ctx.addIssue({ code: 'custom', path: [i, 'port'], message: `port ${p.port} has two TLS configurations; ports must be unique` });
        seen.add(p.port);
      });
    }).optional(),
  }).optional(),
});

export const k8sGatewaySpec = strictObject({
  gatewayClassName: z.string().min(1, 'gatewayClassName must not be empty').max(253),
  listeners: z.array(listenerSchema).min(1, 'at least one listener is required').max(64, 'at most 64 listeners').superRefine((listeners, ctx) => {
    const names = new Set<string>();
    const combos = new Set<string>();
    listeners.forEach((l, i) => {
      if (names.has(l.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `listener name "${l.name}" must be unique within the Gateway` });
      names.add(l.name);
      const combo = `${l.port}/${l.protocol}/${l.hostname ?? ''}`;
      if (combos.has(combo)) ctx.addIssue({ code: 'custom', path: [i], message: `another listener already has port ${l.port}, protocol ${l.protocol} and ${l.hostname ? `hostname ${l.hostname}` : 'no hostname'}` });
      combos.add(combo);
    });
  }),
  addresses: z.array(gatewayAddressSchema).max(16, 'at most 16 addresses').superRefine((addresses, ctx) => {
    const seen = new Set<string>();
    addresses.forEach((a, i) => {
      const type = a.type ?? 'IPAddress';
      if ((type !== 'IPAddress' && type !== 'Hostname') || a.value === undefined) return;
      if (seen.has(`${type}/${a.value}`)) ctx.addIssue({ code: 'custom', path: [i, 'value'], message: `${type} values must be unique` });
      seen.add(`${type}/${a.value}`);
    });
  }).optional(),
  infrastructure: gatewayInfrastructureSchema.optional(),
  allowedListeners: strictObject({
    namespaces: strictObject({ from: oneOf(['All', 'Selector', 'Same', 'None']).optional(), selector: labelSelectorSchema.optional() }).optional(),
  }).optional(),
  tls: gatewayTLSSchema.optional(),
});
export type K8sGatewaySpec = z.infer<typeof k8sGatewaySpec>;

export const k8sGateway = strictObject({ spec: k8sGatewaySpec, status: z.unknown().optional() });
