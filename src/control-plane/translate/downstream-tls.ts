// TLS on the listener side: Istio mTLS on a sidecar's inbound ports (the workload certificate and
// the mesh root over SDS), and Gateway server TLS (SIMPLE, MUTUAL, ISTIO_MUTUAL).
import type { ServerTLSSettings } from '../model/api-types.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { sdsSecretConfig, typed, type Json } from './envoy-common.js';
import { SDS_DEFAULT, SDS_ROOT } from './cluster-tls.js';

const TLS_VERSION: Record<string, string> = { TLS_AUTO: 'TLS_AUTO', TLSV1_0: 'TLSv1_0', TLSV1_1: 'TLSv1_1', TLSV1_2: 'TLSv1_2', TLSV1_3: 'TLSv1_3' };

function transportSocket(context: Json): Json {
  return { name: 'envoy.transport_sockets.tls', typed_config: typed(TYPE_URL.DOWNSTREAM_TLS_CONTEXT, context) };
}

/** Inbound Istio mTLS: any workload of the mesh (a `spiffe://` SAN signed by the mesh root). */
export function inboundMtlsTransportSocket(http: boolean): Json {
  return transportSocket({
    common_tls_context: {
      tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
      alpn_protocols: http ? ['h2', 'http/1.1'] : ['istio-peer-exchange', 'h2', 'http/1.1'],
      tls_certificate_sds_secret_configs: [sdsSecretConfig(SDS_DEFAULT)],
      combined_validation_context: {
        default_validation_context: { match_subject_alt_names: [{ prefix: 'spiffe://' }] },
        validation_context_sds_secret_config: sdsSecretConfig(SDS_ROOT),
      },
    },
    require_client_certificate: true,
  });
}

/** A Gateway server's TLS: certificates from a Kubernetes secret (`credentialName`) or files. */
export function gatewayTransportSocket(tls: ServerTLSSettings, http: boolean): Json {
  const common: Json = {};
  const params: Json = {};
  if (tls.minProtocolVersion) params.tls_minimum_protocol_version = TLS_VERSION[tls.minProtocolVersion];
  if (tls.maxProtocolVersion) params.tls_maximum_protocol_version = TLS_VERSION[tls.maxProtocolVersion];
  if (tls.cipherSuites?.length) params.cipher_suites = [...tls.cipherSuites];
  common.tls_params = { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3', ...params };
  if (http) common.alpn_protocols = ['h2', 'http/1.1'];
  const mutual = tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL';
  const sans = (tls.subjectAltNames ?? []).map((s) => ({ exact: s }));
  if (tls.mode === 'ISTIO_MUTUAL') {
    common.tls_certificate_sds_secret_configs = [sdsSecretConfig(SDS_DEFAULT)];
    common.combined_validation_context = {
      default_validation_context: sans.length ? { match_subject_alt_names: sans } : {},
      validation_context_sds_secret_config: sdsSecretConfig(SDS_ROOT),
    };
  } else if (tls.credentialName) {
    common.tls_certificate_sds_secret_configs = [sdsSecretConfig(`kubernetes://${tls.credentialName}`)];
    if (mutual) {
      common.combined_validation_context = {
        default_validation_context: sans.length ? { match_subject_alt_names: sans } : {},
        validation_context_sds_secret_config: sdsSecretConfig(`kubernetes://${tls.credentialName}-cacert`),
      };
    }
  } else {
    common.tls_certificate_sds_secret_configs = [sdsSecretConfig(`file-cert:${tls.serverCertificate ?? ''}~${tls.privateKey ?? ''}`)];
    if (mutual) {
      common.combined_validation_context = {
        default_validation_context: sans.length ? { match_subject_alt_names: sans } : {},
        validation_context_sds_secret_config: sdsSecretConfig(`file-root:${tls.caCertificates ?? ''}`),
      };
    }
  }
  const context: Json = { common_tls_context: common };
  if (mutual || tls.mode === 'ISTIO_MUTUAL') context.require_client_certificate = tls.mode !== 'OPTIONAL_MUTUAL';
  return transportSocket(context);
}
