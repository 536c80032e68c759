// Transport sockets: raw_buffer (plaintext) or tls with an UpstreamTlsContext / DownstreamTlsContext.
// Certificates and trust come inline or by SDS name. SDS secrets are fetched over the proxy's ADS
// stream, whether the config names ADS or Istio's agent (`sds-grpc`): in Skiff the control plane
// plays the agent's role.

import type { SecureVersion } from 'node:tls';
import { anyTypeName, ErrorSink, isObject, MessageReader } from './reader.js';
import { compileTlsCertificate, compileValidationContext, type CertificateValidation, type TlsCertificate } from './secret.js';

export const UPSTREAM_TLS_CONTEXT = 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
export const DOWNSTREAM_TLS_CONTEXT = 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
export const RAW_BUFFER = 'envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer';

/** The SDS cluster Istio's agent serves; its secrets come over ADS in Skiff. */
const ISTIO_AGENT_SDS_CLUSTER = 'sds-grpc';

export interface TlsContext {
  readonly side: 'upstream' | 'downstream';
  readonly certificate?: TlsCertificate;
  readonly certificateSecret?: string;
  /** Inline validation (and SAN matchers that apply on top of an SDS CA). */
  readonly validation?: CertificateValidation;
  readonly validationSecret?: string;
  readonly alpn: readonly string[];
  readonly sni?: string;
  readonly minVersion?: SecureVersion;
  readonly maxVersion?: SecureVersion;
  readonly requireClientCertificate: boolean;
}

export type TransportSocket = { readonly kind: 'plaintext' } | { readonly kind: 'tls'; readonly tls: TlsContext };

export const PLAINTEXT: TransportSocket = { kind: 'plaintext' };

const VERSIONS: Record<string, SecureVersion | undefined> = { TLS_AUTO: undefined, TLSv1_0: 'TLSv1', TLSv1_1: 'TLSv1.1', TLSv1_2: 'TLSv1.2', TLSv1_3: 'TLSv1.3' };

function compileSdsName(value: unknown, path: string, sink: ErrorSink): string | undefined {
  const s = MessageReader.of(value, path, sink, { fields: ['name', 'sds_config', 'sds_resources_locator'] });
  if (!s) return undefined;
  const name = s.string('name', { required: true });
  const cs = s.message('sds_config', {
    fields: ['ads', 'api_config_source', 'path', 'path_config_source', 'self', 'resource_api_version', 'authorities'],
    ignored: { initial_fetch_timeout: 'TLS connections fail until the secret arrives' },
  });
  if (cs && !cs.has('ads') && !cs.has('self')) {
    const api = cs.raw('api_config_source');
    const services = isObject(api) ? (api.grpc_services ?? api.grpcServices) : undefined;
    const first = Array.isArray(services) && isObject(services[0]) ? services[0] : undefined;
    const envoyGrpc = first && isObject(first.envoy_grpc ?? first.envoyGrpc) ? ((first.envoy_grpc ?? first.envoyGrpc) as Record<string, unknown>) : undefined;
    const cluster = envoyGrpc?.cluster_name ?? envoyGrpc?.clusterName;
    if (cluster !== ISTIO_AGENT_SDS_CLUSTER) cs.error('', `SDS must come over ADS or from the ${ISTIO_AGENT_SDS_CLUSTER} cluster (served over ADS in Skiff)`);
  }
  return name;
}

function compileCommon(r: MessageReader, sink: ErrorSink) {
  const c = r.message('common_tls_context', {
    fields: [
      'tls_params', 'tls_certificates', 'tls_certificate_sds_secret_configs', 'tls_certificate_provider_instance', 'tls_certificate_certificate_provider',
      'tls_certificate_certificate_provider_instance', 'validation_context', 'validation_context_sds_secret_config', 'combined_validation_context',
      'validation_context_certificate_provider', 'validation_context_certificate_provider_instance', 'alpn_protocols', 'custom_handshaker', 'key_log',
      'custom_tls_certificate_selector',
    ],
  });
  if (!c) return { alpn: [] as string[] };
  for (const k of ['tls_certificate_provider_instance', 'tls_certificate_certificate_provider', 'tls_certificate_certificate_provider_instance', 'validation_context_certificate_provider', 'validation_context_certificate_provider_instance', 'custom_handshaker', 'key_log', 'custom_tls_certificate_selector']) {
    if (c.has(k)) c.error(k, 'is not supported by the Skiff proxy');
  }
  let minVersion: SecureVersion | undefined;
  let maxVersion: SecureVersion | undefined;
  const p = c.message('tls_params', { fields: ['tls_minimum_protocol_version', 'tls_maximum_protocol_version', 'cipher_suites', 'ecdh_curves', 'signature_algorithms', 'compliance_policies'] });
  if (p) {
    const names = Object.keys(VERSIONS) as (keyof typeof VERSIONS)[];
    minVersion = VERSIONS[p.enumValue('tls_minimum_protocol_version', names, 'TLS_AUTO')];
    maxVersion = VERSIONS[p.enumValue('tls_maximum_protocol_version', names, 'TLS_AUTO')];
    for (const k of ['cipher_suites', 'ecdh_curves', 'signature_algorithms', 'compliance_policies']) {
      if (p.list(k).length > 0) p.error(k, 'is not supported by the Skiff proxy (node:tls defaults apply)');
    }
  }
  const certs = c.list('tls_certificates');
  const sdsCerts = c.list('tls_certificate_sds_secret_configs');
  if (certs.length + sdsCerts.length > 1) c.error('', 'only one certificate (tls_certificates or tls_certificate_sds_secret_configs) is supported by the Skiff proxy');
  const certificate = certs[0] ? compileTlsCertificate(certs[0].value, certs[0].path, sink) : undefined;
  const certificateSecret = sdsCerts[0] ? compileSdsName(sdsCerts[0].value, sdsCerts[0].path, sink) : undefined;

  let validation: CertificateValidation | undefined;
  let validationSecret: string | undefined;
  const kind = c.oneof(['validation_context', 'validation_context_sds_secret_config', 'combined_validation_context'], false);
  if (kind === 'validation_context') validation = compileValidationContext(c.raw(kind), c.at(kind), sink);
  else if (kind === 'validation_context_sds_secret_config') validationSecret = compileSdsName(c.raw(kind), c.at(kind), sink);
  else if (kind === 'combined_validation_context') {
    const cv = c.message(kind, { fields: ['default_validation_context', 'validation_context_sds_secret_config', 'validation_context_certificate_provider', 'validation_context_certificate_provider_instance'] });
    if (cv) {
      for (const k of ['validation_context_certificate_provider', 'validation_context_certificate_provider_instance']) if (cv.has(k)) cv.error(k, 'is not supported by the Skiff proxy');
      if (cv.has('default_validation_context')) validation = compileValidationContext(cv.raw('default_validation_context'), cv.at('default_validation_context'), sink);
      validationSecret = compileSdsName(cv.raw('validation_context_sds_secret_config'), cv.at('validation_context_sds_secret_config'), sink);
    }
  }
  return { certificate, certificateSecret, validation, validationSecret, alpn: c.stringList('alpn_protocols'), minVersion, maxVersion };
}

export function compileTransportSocket(value: unknown, path: string, sink: ErrorSink, side: 'upstream' | 'downstream'): TransportSocket | undefined {
  const r = MessageReader.of(value, path, sink, { fields: ['name', 'typed_config'] });
  if (!r) return undefined;
  const typed = r.raw('typed_config');
  const type = anyTypeName(typed);
  if (type === undefined && r.string('name') === 'envoy.transport_sockets.raw_buffer') return PLAINTEXT;
  if (type === RAW_BUFFER) return PLAINTEXT;
  const expected = side === 'upstream' ? UPSTREAM_TLS_CONTEXT : DOWNSTREAM_TLS_CONTEXT;
  if (type !== expected) return r.error('typed_config', `transport socket ${type ?? '(no @type)'} is not supported here; expected ${RAW_BUFFER} or ${expected}`);
  const before = sink.count;
  const t = MessageReader.of(typed, r.at('typed_config'), sink, {
    fields:
      side === 'upstream'
        ? ['@type', 'common_tls_context', 'sni', 'auto_host_sni', 'auto_sni_san_validation', 'allow_renegotiation', 'max_session_keys', 'enforce_rsa_key_usage']
        : ['@type', 'common_tls_context', 'require_client_certificate', 'require_sni', 'session_ticket_keys', 'session_ticket_keys_sds_secret_config', 'disable_stateless_session_resumption', 'disable_stateful_session_resumption', 'session_timeout', 'ocsp_staple_policy', 'full_scan_certs_on_sni_mismatch', 'prefer_client_ciphers'],
  });
  if (!t) return undefined;
  const common = compileCommon(t, sink);
  let sni: string | undefined;
  let requireClientCertificate = false;
  if (side === 'upstream') {
    sni = t.string('sni') || undefined;
    if (t.bool('auto_host_sni', false)) t.error('auto_host_sni', 'is not supported by the Skiff proxy');
    t.bool('auto_sni_san_validation', false);
    t.bool('allow_renegotiation', false);
    t.int('max_session_keys', 1, 0);
    t.bool('enforce_rsa_key_usage', false);
  } else {
    requireClientCertificate = t.bool('require_client_certificate', false);
    if (t.bool('require_sni', false)) t.error('require_sni', 'is not supported by the Skiff proxy');
    for (const k of ['session_ticket_keys', 'session_ticket_keys_sds_secret_config']) if (t.has(k)) t.error(k, 'is not supported by the Skiff proxy');
    t.bool('disable_stateless_session_resumption', false);
    t.bool('disable_stateful_session_resumption', false);
    t.durationMs('session_timeout');
    t.enumValue('ocsp_staple_policy', ['LENIENT_STAPLING', 'STRICT_STAPLING', 'MUST_STAPLE'], 'LENIENT_STAPLING');
    t.bool('full_scan_certs_on_sni_mismatch', false);
    t.bool('prefer_client_ciphers', false);
    if (!common.certificate && !common.certificateSecret) t.error('common_tls_context', 'a downstream TLS context needs a certificate');
  }
  if (sink.count > before) return undefined;
  return {
    kind: 'tls',
    tls: {
      side,
      certificate: common.certificate,
      certificateSecret: common.certificateSecret,
      validation: common.validation,
      validationSecret: common.validationSecret,
      alpn: common.alpn,
      sni,
      minVersion: common.minVersion,
      maxVersion: common.maxVersion,
      requireClientCertificate,
    },
  };
}

/** The SDS secret names a TLS context needs. */
export function secretNames(t: TransportSocket | undefined): string[] {
  if (!t || t.kind !== 'tls') return [];
  return [t.tls.certificateSecret, t.tls.validationSecret].filter((n): n is string => n !== undefined);
}
