// Upstream TLS for a cluster (Istio's cluster_tls.go): ISTIO_MUTUAL with the workload certificate
// from SDS (`default`) and the mesh root (`ROOTCA`); SIMPLE and MUTUAL with file-based secrets;
// auto mTLS when no DestinationRule sets TLS, as transport socket matches on the endpoint's
// `tlsMode` metadata so that sidecar-less endpoints still get plaintext.
import type { ClientTLSSettings } from '../model/api-types.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { rawBufferTransportSocket, sdsSecretConfig, typed, type Json } from './envoy-common.js';
import type { HttpProtocolOptions } from './cluster-traffic-policy.js';

export const SDS_DEFAULT = 'default';
export const SDS_ROOT = 'ROOTCA';

/** ALPN a sidecar offers on Istio mTLS (metadata exchange, then Istio). */
const ALPN_IN_MESH = ['istio-peer-exchange', 'istio'];
const ALPN_IN_MESH_H2 = ['istio-peer-exchange', 'istio', 'h2'];

function tlsParams(): Json {
  return { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' };
}

function exactSans(sans: readonly string[]): Json[] {
  return sans.map((s) => ({ exact: s }));
}

function istioMutualContext(sans: readonly string[], sni: string, http2: boolean): Json {
  return {
    common_tls_context: {
      tls_params: tlsParams(),
      alpn_protocols: http2 ? ALPN_IN_MESH_H2 : ALPN_IN_MESH,
      tls_certificate_sds_secret_configs: [sdsSecretConfig(SDS_DEFAULT)],
      combined_validation_context: {
        default_validation_context: sans.length ? { match_subject_alt_names: exactSans(sans) } : {},
        validation_context_sds_secret_config: sdsSecretConfig(SDS_ROOT),
      },
    },
    sni,
  };
}

function tlsTransportSocket(context: Json): Json {
  return { name: 'envoy.transport_sockets.tls', typed_config: typed(TYPE_URL.UPSTREAM_TLS_CONTEXT, context) };
}

/** SIMPLE / MUTUAL origination with certificates read from files (served by the agent over SDS). */
function originationContext(tls: ClientTLSSettings, sans: readonly string[], mutual: boolean, http2: boolean, options: HttpProtocolOptions, gateway: boolean): Json | undefined {
  const common: Json = { tls_params: tlsParams() };
  if (tls.credentialName) {
    // Istio only lets gateways (and selector-scoped rules) read Kubernetes secrets; a sidecar
    // rule naming one gets no TLS context at all.
    if (!gateway) return undefined;
    common.tls_certificate_sds_secret_configs = mutual ? [sdsSecretConfig(`kubernetes://${tls.credentialName}`)] : [];
    common.combined_validation_context = {
      default_validation_context: sans.length ? { match_subject_alt_names: exactSans(sans) } : {},
      validation_context_sds_secret_config: sdsSecretConfig(`kubernetes://${tls.credentialName}-cacert`),
    };
  } else {
    if (mutual) common.tls_certificate_sds_secret_configs = [sdsSecretConfig(`file-cert:${tls.clientCertificate ?? ''}~${tls.privateKey ?? ''}`)];
    if (tls.insecureSkipVerify) common.validation_context = {};
    else {
      common.combined_validation_context = {
        default_validation_context: sans.length ? { match_subject_alt_names: exactSans(sans) } : {},
        validation_context_sds_secret_config: sdsSecretConfig(`file-root:${tls.caCertificates || 'system'}`),
      };
    }
  }
  if (http2) common.alpn_protocols = ['h2'];
  const context: Json = { common_tls_context: common };
  if (tls.sni) context.sni = tls.sni;
  // Without an SNI, Envoy sends the request's host and checks the certificate against it.
  const upstream: Json = {};
  if (!tls.sni) upstream.auto_sni = true;
  if (!tls.sni && !sans.length && !tls.insecureSkipVerify) upstream.auto_san_validation = true;
  if (Object.keys(upstream).length) options.upstream = { ...options.upstream, ...upstream };
  return context;
}

export interface UpstreamTlsInput {
  /** The DestinationRule's TLS settings in force for this cluster, if any. */
  readonly tls: ClientTLSSettings | undefined;
  /** Service account SPIFFE ids of the service's endpoints (the SANs Istio mTLS verifies). */
  readonly serviceAccounts: readonly string[];
  /** Default SNI for Istio mTLS (`outbound_.9080_.v1_.reviews…`). */
  readonly sni: string;
  readonly autoMtls: boolean;
  readonly meshExternal: boolean;
  /** The destination's PeerAuthentication mode; DISABLE turns auto mTLS off. */
  readonly serviceMtlsDisabled: boolean;
  readonly http2: boolean;
  readonly gateway: boolean;
  readonly originalDst: boolean;
  /**
   * Some endpoint has a sidecar that accepts Istio mTLS (`tlsMode: istio`). Without one the
   * `tlsMode-istio` match could never apply, so it is left out: the result routes the same.
   */
  readonly anyIstioEndpoint: boolean;
}

/** Sets `transport_socket` or `transport_socket_matches` on the cluster. */
export function applyUpstreamTls(cluster: Json, input: UpstreamTlsInput, options: HttpProtocolOptions): void {
  const { tls } = input;
  if (tls) {
    switch (tls.mode ?? 'DISABLE') {
      case 'DISABLE':
        return;
      case 'ISTIO_MUTUAL':
        cluster.transport_socket = tlsTransportSocket(istioMutualContext(tls.subjectAltNames ?? input.serviceAccounts, tls.sni || input.sni, input.http2));
        return;
      case 'SIMPLE':
      case 'MUTUAL': {
        const sans = tls.subjectAltNames ?? (input.meshExternal ? input.serviceAccounts : []);
        const context = originationContext(tls, sans, tls.mode === 'MUTUAL', input.http2, options, input.gateway);
        if (context) cluster.transport_socket = tlsTransportSocket(context);
        return;
      }
    }
  }
  if (input.meshExternal || !input.autoMtls || input.serviceMtlsDisabled || input.originalDst || !input.anyIstioEndpoint) return;
  cluster.transport_socket_matches = [
    { name: 'tlsMode-istio', match: { tlsMode: 'istio' }, transport_socket: tlsTransportSocket(istioMutualContext(input.serviceAccounts, input.sni, input.http2)) },
    { name: 'tlsMode-disabled', match: {}, transport_socket: rawBufferTransportSocket() },
  ];
}
