// TLS settings: ClientTLSSettings (DestinationRule, how a sidecar connects upstream) and
// ServerTLSSettings (Gateway servers and Sidecar ingress, how a listener terminates TLS), with
// Istio's rules about which certificate fields each mode needs or forbids.
import { z } from 'zod';
import { bool, enumOf, isSet, issue, list, str, strict } from './fields.js';

export const CLIENT_TLS_MODES = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'] as const;

export const clientTlsSettings = strict({
  mode: enumOf(CLIENT_TLS_MODES).optional(),
  clientCertificate: str.optional(),
  privateKey: str.optional(),
  caCertificates: str.optional(),
  credentialName: str.optional(),
  subjectAltNames: list(str).optional(),
  sni: str.optional(),
  insecureSkipVerify: bool.optional(),
  caCrl: str.optional(),
}).superRefine((t, ctx) => {
  const mode = t.mode ?? 'DISABLE';
  if (mode === 'ISTIO_MUTUAL') {
    // Istio supplies the workload certificate and the mesh CA itself.
    for (const field of ['clientCertificate', 'privateKey', 'caCertificates', 'credentialName'] as const) {
      if (t[field]) issue(ctx, [field], `${field} cannot be set with mode ISTIO_MUTUAL: Istio provides the certificates`);
    }
    return;
  }
  if (t.insecureSkipVerify) {
    if (mode === 'SIMPLE' && (t.caCertificates || t.credentialName || t.subjectAltNames)) {
      issue(ctx, ['insecureSkipVerify'], 'insecureSkipVerify cannot be combined with caCertificates, credentialName or subjectAltNames');
    }
    if (mode === 'MUTUAL' && (t.caCertificates || t.subjectAltNames)) {
      issue(ctx, ['insecureSkipVerify'], 'insecureSkipVerify cannot be combined with caCertificates or subjectAltNames');
    }
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && t.credentialName) {
    for (const field of ['clientCertificate', 'privateKey', 'caCertificates', 'caCrl'] as const) {
      if (t[field]) issue(ctx, [field], `${field} cannot be set together with credentialName: the credential holds the certificates`);
    }
    return;
  }
  if (mode === 'MUTUAL' && (!t.clientCertificate || !t.privateKey)) {
    const missing = [!t.clientCertificate && 'clientCertificate', !t.privateKey && 'privateKey'].filter(Boolean).join(' and ');
    issue(ctx, [], `mode MUTUAL needs clientCertificate and privateKey, or a credentialName (missing ${missing})`);
  }
});
export type ClientTLSSettings = z.infer<typeof clientTlsSettings>;

export const SERVER_TLS_MODES = ['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'] as const;
export const TLS_PROTOCOL_VERSIONS = ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] as const;

export const serverTlsCertificate = strict({
  serverCertificate: str.optional(),
  privateKey: str.optional(),
  caCertificates: str.optional(),
});
export type ServerTLSCertificate = z.infer<typeof serverTlsCertificate>;

export const serverTlsSettings = strict({
  httpsRedirect: bool.optional(),
  mode: enumOf(SERVER_TLS_MODES).optional(),
  serverCertificate: str.optional(),
  privateKey: str.optional(),
  caCertificates: str.optional(),
  caCrl: str.optional(),
  credentialName: str.optional(),
  credentialNames: list(str).optional(),
  caCertCredentialName: str.optional(),
  tlsCertificates: list(serverTlsCertificate).optional(),
  subjectAltNames: list(str).optional(),
  verifyCertificateSpki: list(str).optional(),
  verifyCertificateHash: list(str).optional(),
  minProtocolVersion: enumOf(TLS_PROTOCOL_VERSIONS).optional(),
  maxProtocolVersion: enumOf(TLS_PROTOCOL_VERSIONS).optional(),
  cipherSuites: list(str).optional(),
  insecureSkipVerify: bool.optional(),
}).superRefine((t, ctx) => {
  // The proto default: a server `tls` block that only asks for httpsRedirect passes TLS through.
  const mode = t.mode ?? 'PASSTHROUGH';
  if (t.credentialNames !== undefined && (t.credentialNames.length < 1 || t.credentialNames.length > 2)) {
    issue(ctx, ['credentialNames'], 'expected 1 or 2 credential names (e.g. an RSA and an ECDSA certificate)');
  }
  if (t.tlsCertificates !== undefined && (t.tlsCertificates.length < 1 || t.tlsCertificates.length > 2)) {
    issue(ctx, ['tlsCertificates'], 'expected 1 or 2 certificates (e.g. an RSA and an ECDSA certificate)');
  }
  if (mode === 'ISTIO_MUTUAL') {
    for (const field of ['serverCertificate', 'privateKey', 'caCertificates', 'tlsCertificates', 'credentialName', 'credentialNames'] as const) {
      if (isSet(t[field])) issue(ctx, [field], `${field} cannot be set with mode ISTIO_MUTUAL: Istio provides the certificates`);
    }
    return;
  }
  const sources = [
    t.serverCertificate && t.privateKey ? 'serverCertificate/privateKey' : undefined,
    t.credentialName ? 'credentialName' : undefined,
    t.credentialNames?.length ? 'credentialNames' : undefined,
    t.tlsCertificates?.length ? 'tlsCertificates' : undefined,
  ].filter((s): s is string => s !== undefined);
  if (sources.length > 1) issue(ctx, [], `only one certificate source may be set, found ${sources.join(', ')}`);

  const terminates = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (terminates && !(t.credentialName || t.credentialNames?.length)) {
    const label = mode === 'SIMPLE' ? 'SIMPLE' : 'MUTUAL';
    if (mode !== 'SIMPLE' && !t.caCertificates) issue(ctx, [], `mode ${mode} needs caCertificates (the CA bundle that verifies clients), or a credentialName`);
    if (t.tlsCertificates?.length) {
      t.tlsCertificates.forEach((c, i) => {
        if (!c.serverCertificate) issue(ctx, ['tlsCertificates', i, 'serverCertificate'], `${label} TLS needs a server certificate`);
        if (!c.privateKey) issue(ctx, ['tlsCertificates', i, 'privateKey'], `${label} TLS needs a private key`);
      });
    } else if (!t.serverCertificate || !t.privateKey) {
      issue(ctx, [], `mode ${mode} needs a credentialName, or serverCertificate and privateKey`);
    }
  }
  if (t.caCrl) {
    if (t.credentialName) issue(ctx, ['caCrl'], 'caCrl cannot be combined with credentialName: put the CRL in the credential');
    if (mode === 'SIMPLE') issue(ctx, ['caCrl'], 'caCrl is not supported with mode SIMPLE (clients are not verified)');
  }
});
export type ServerTLSSettings = z.infer<typeof serverTlsSettings>;

/** Whether a server's TLS settings leave TLS to the backend (no termination at the gateway). */
export function isPassthrough(tls: ServerTLSSettings | undefined): boolean {
  return tls !== undefined && (tls.mode === undefined || tls.mode === 'PASSTHROUGH' || tls.mode === 'AUTO_PASSTHROUGH');
}
