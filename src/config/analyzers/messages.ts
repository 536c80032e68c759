// The catalogue of analysis messages. IST codes, names, levels and texts are Istio's own
// (istio/istio pkg/config/analysis/msg/messages.yaml), so a user can search a message and land on
// istio.io/latest/docs/reference/config/analysis/<code>/. SKIFF codes are Skiff's own, for what
// Istio has no code for; each one says below why it exists.

export type AnalysisLevel = 'Error' | 'Warning' | 'Info';

export interface MessageType<Args extends unknown[] = any[]> {
  code: string;
  name: string;
  level: AnalysisLevel;
  format: (...args: Args) => string;
}

function type<Args extends unknown[]>(code: string, name: string, level: AnalysisLevel, format: (...args: Args) => string): MessageType<Args> {
  return { code, name, level, format };
}

/** Go's `%q`: a double-quoted string with escapes. */
export function q(s: string): string {
  return JSON.stringify(s);
}

/** Go's `%v` of a string slice: `[a b c]`. */
function goList(items: readonly (string | number)[]): string {
  return `[${items.join(' ')}]`;
}

export const InternalError = type('IST0001', 'InternalError', 'Error',
  (detail: string) => `Internal error: ${detail}`);

export const ReferencedResourceNotFound = type('IST0101', 'ReferencedResourceNotFound', 'Error',
  (reftype: string, refval: string) => `Referenced ${reftype} not found: ${q(refval)}`);

export const NamespaceNotInjected = type('IST0102', 'NamespaceNotInjected', 'Info',
  (ns: string) => `The namespace is not enabled for Istio injection. Run 'kubectl label namespace ${ns} istio-injection=enabled' to enable it, or 'kubectl label namespace ${ns} istio-injection=disabled' to explicitly mark it as not needing injection.`);

export const SchemaValidationError = type('IST0106', 'SchemaValidationError', 'Error',
  (err: string) => `Schema validation error: ${err}`);

export const ConflictingMeshGatewayVirtualServiceHosts = type('IST0109', 'ConflictingMeshGatewayVirtualServiceHosts', 'Error',
  (virtualServices: string, host: string) => `The VirtualServices ${virtualServices} associated with mesh gateway define the same host ${host} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.`);

export const VirtualServiceDestinationPortSelectorRequired = type('IST0112', 'VirtualServiceDestinationPortSelectorRequired', 'Error',
  (destHost: string, destPorts: number[]) => `This VirtualService routes to a service ${q(destHost)} that exposes multiple ports ${goList(destPorts)}. Specifying a port in the destination is required to disambiguate.`);

export const PortNameIsNotUnderNamingConvention = type('IST0118', 'PortNameIsNotUnderNamingConvention', 'Info',
  (portName: string, port: number, targetPort: string) => `Port name ${portName} (port: ${port}, targetPort: ${targetPort}) doesn't follow the naming convention of Istio port.`);

export const NamespaceMultipleInjectionLabels = type('IST0123', 'NamespaceMultipleInjectionLabels', 'Warning',
  (labels: string[]) => `The namespace has more than one type of injection labels ${goList(labels)}, which may lead to undefined behavior. Make sure only one injection label exists.`);

export const NoServerCertificateVerificationDestinationLevel = type('IST0128', 'NoServerCertificateVerificationDestinationLevel', 'Warning',
  (destinationRule: string, namespace: string, mode: string, host: string) => `DestinationRule ${destinationRule} in namespace ${namespace} has TLS mode set to ${mode} but no caCertificates are set to validate server identity for host: ${host}`);

export const NoServerCertificateVerificationPortLevel = type('IST0129', 'NoServerCertificateVerificationPortLevel', 'Warning',
  (destinationRule: string, namespace: string, mode: string, host: string, port: string) => `DestinationRule ${destinationRule} in namespace ${namespace} has TLS mode set to ${mode} but no caCertificates are set to validate server identity for host: ${host} at port ${port}`);

export const VirtualServiceHostNotFoundInGateway = type('IST0132', 'VirtualServiceHostNotFoundInGateway', 'Warning',
  (hosts: string[], virtualService: string, gateway: string) => `one or more host ${goList(hosts)} defined in VirtualService ${virtualService} not found in Gateway ${gateway}.`);

export const ConflictingGateways = type('IST0145', 'ConflictingGateways', 'Error',
  (gateways: string, selector: string, port: string, hosts: string) => `Conflict with gateways ${gateways} (workload selector ${selector}, port ${port}, hosts ${hosts}).`);

export const DestinationRuleSubsetNotSelectPods = type('IST0173', 'DestinationRuleSubsetNotSelectPods', 'Error',
  (subset: string) => `The Subset ${subset} defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).`);

export const UnknownDestinationRuleHost = type('IST0174', 'UnknownDestinationRuleHost', 'Warning',
  (host: string) => `The host ${host} defined in the DestinationRule does not match any services in the mesh.`);

/**
 * Skiff accepts and stores every kind in kinds.ts, but acts only on those marked `enforced`.
 * Istio has no such state, so this is Skiff's own code: without it a user would apply a Sidecar
 * and wonder why nothing changed.
 */
export const NotEnforced = type('SKIFF0001', 'NotEnforced', 'Warning',
  (kind: string) => `${kind} is stored but has no effect in this version of Skiff.`);

/**
 * A DestinationRule's client TLS mode contradicting the PeerAuthentication of the workloads it
 * sends to. Istio reported this as IST0113 MTLSPolicyConflict against its alpha authentication
 * policies and retired the code with them; the mistake lives on with PeerAuthentication (a
 * DestinationRule with `tls.mode: DISABLE` towards STRICT workloads gets 503s), so Skiff keeps the
 * name under its own code.
 */
export const MTLSPolicyConflict = type('SKIFF0002', 'MTLSPolicyConflict', 'Error',
  (host: string, destinationRule: string, drMode: string, policy: string, policyMode: string, effect: string) =>
    `A DestinationRule and PeerAuthentication are in conflict with regards to mTLS for host ${host}. The DestinationRule ${q(destinationRule)} specifies TLS mode ${drMode} but the PeerAuthentication ${q(policy)} specifies mTLS mode ${policyMode}: ${effect}.`);

/**
 * The same conflict without a DestinationRule: with auto mTLS turned off in the mesh config,
 * clients send plain text unless a DestinationRule says ISTIO_MUTUAL, so a STRICT policy alone
 * rejects them.
 */
export const MTLSRequiredWithoutDestinationRule = type('SKIFF0003', 'MTLSRequiredWithoutDestinationRule', 'Error',
  (host: string, policy: string) =>
    `The PeerAuthentication ${q(policy)} requires mTLS (STRICT) for host ${host}, but auto mTLS is disabled (meshConfig.enableAutoMtls: false) and no DestinationRule sets tls.mode ISTIO_MUTUAL for it: clients send plain text and get 503 (connection reset).`);
