// TLS through real sockets: Istio-style mTLS between two sidecars (certificates from SDS secrets,
// SPIFFE SAN checks, transport_socket_matches by endpoint metadata, tls_inspector picking the
// inbound chain by ALPN), PERMISSIVE plaintext on the same port, and an HTTPS gateway listener.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { httpGet, startTestProxy, type TestProxy } from '../../src/proxy/testing/harness.js';
import { certificateSecret, createTestCa, validationSecret, type TestCa } from '../../src/proxy/testing/certs.js';
import { hcm, httpListener, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream, type TestUpstream } from '../../src/proxy/testing/upstream-server.js';

const UPSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
const DOWNSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
const ISTIO_ALPNS = ['istio', 'istio-peer-exchange', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2'];
const REVIEWS_SA = 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews';

function sds(name: string) {
  return {
    name,
    sds_config: {
      api_config_source: { api_type: 'GRPC', grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }], set_node_on_first_message_only: true, transport_api_version: 'V3' },
      initial_fetch_timeout: '0s',
      resource_api_version: 'V3',
    },
  };
}

function upstreamMtls(expectedSan: string) {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': UPSTREAM_TLS,
      common_tls_context: {
        tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
        alpn_protocols: ['istio-peer-exchange', 'istio'],
        tls_certificate_sds_secret_configs: [sds('default')],
        combined_validation_context: { default_validation_context: { match_subject_alt_names: [{ exact: expectedSan }] }, validation_context_sds_secret_config: sds('ROOTCA') },
      },
      sni: 'outbound_.9080_._.reviews.default.svc.cluster.local',
    },
  };
}

function meshCluster(name: string, port: number, expectedSan: string) {
  return {
    ...staticCluster(name, [port]),
    load_assignment: {
      cluster_name: name,
      endpoints: [
        {
          lb_endpoints: [
            {
              endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } },
              metadata: { filter_metadata: { 'envoy.transport_socket_match': { tlsMode: 'istio' } } },
            },
          ],
        },
      ],
    },
    transport_socket_matches: [
      { name: 'tlsMode-istio', match: { tlsMode: 'istio' }, transport_socket: upstreamMtls(expectedSan) },
      { name: 'tlsMode-disabled', match: {}, transport_socket: { name: 'envoy.transport_sockets.raw_buffer', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer' } } },
    ],
  };
}

let ca: TestCa;
let app: TestUpstream;
let server: TestProxy;
let client: TestProxy;
let gateway: TestProxy;
let inboundPort: number;

before(async () => {
  ca = await createTestCa();
  const reviewsCert = await ca.issue({ uri: [REVIEWS_SA] });
  const productpageCert = await ca.issue({ uri: ['spiffe://cluster.local/ns/default/sa/bookinfo-productpage'] });
  const gatewayCert = await ca.issue({ dns: ['bookinfo.example'] });
  app = await startUpstream('reviews-app');

  const inboundHcm = hcm({ routeConfig: routeConfig('inbound|9080||', [virtualHost('inbound', ['*'], [{ match: { prefix: '/' }, route: { cluster: 'inbound|9080||', timeout: '0s' } }])]) });
  server = await startTestProxy(
    {
      secrets: [certificateSecret('default', reviewsCert.certPem, reviewsCert.keyPem), validationSecret('ROOTCA', ca.certPem)],
      clusters: [staticCluster('inbound|9080||', [app.port])],
      listeners: [
        {
          name: '127.0.0.1_9080',
          address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
          traffic_direction: 'INBOUND',
          listener_filters: [{ name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector' } }],
          filter_chains: [
            {
              filter_chain_match: { transport_protocol: 'tls', application_protocols: ISTIO_ALPNS },
              filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: inboundHcm }],
              transport_socket: {
                name: 'envoy.transport_sockets.tls',
                typed_config: {
                  '@type': DOWNSTREAM_TLS,
                  common_tls_context: {
                    alpn_protocols: ['h2', 'http/1.1'],
                    tls_certificate_sds_secret_configs: [sds('default')],
                    combined_validation_context: { default_validation_context: { match_subject_alt_names: [{ prefix: 'spiffe://cluster.local/' }] }, validation_context_sds_secret_config: sds('ROOTCA') },
                  },
                  require_client_certificate: true,
                },
              },
            },
            { filter_chain_match: { transport_protocol: 'raw_buffer' }, filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: inboundHcm }] },
          ],
        },
      ],
    },
    'sidecar',
    { NAMESPACE: 'default', WORKLOAD_NAME: 'reviews-v1', LABELS: { app: 'reviews', version: 'v1' } },
  );
  inboundPort = server.port('127.0.0.1_9080');

  client = await startTestProxy(
    {
      secrets: [certificateSecret('default', productpageCert.certPem, productpageCert.keyPem), validationSecret('ROOTCA', ca.certPem)],
      clusters: [
        meshCluster('outbound|9080||reviews.default.svc.cluster.local', inboundPort, REVIEWS_SA),
        meshCluster('outbound|9080||impostor.default.svc.cluster.local', inboundPort, 'spiffe://cluster.local/ns/default/sa/someone-else'),
      ],
      routes: [
        routeConfig('http_proxy', [
          virtualHost('reviews', ['reviews:9080'], [{ match: { prefix: '/' }, route: { cluster: 'outbound|9080||reviews.default.svc.cluster.local' } }]),
          virtualHost('impostor', ['impostor:9080'], [{ match: { prefix: '/' }, route: { cluster: 'outbound|9080||impostor.default.svc.cluster.local' } }]),
        ]),
      ],
      listeners: [httpListener('127.0.0.1_15080', 0, hcm({ rds: 'http_proxy' }), { traffic_direction: 'OUTBOUND' })],
    },
    'sidecar',
    { NAMESPACE: 'default', WORKLOAD_NAME: 'productpage-v1', LABELS: { app: 'productpage', version: 'v1' } },
  );

  gateway = await startTestProxy({
    clusters: [staticCluster('app', [app.port])],
    routes: [routeConfig('https.443', [virtualHost('bookinfo', ['bookinfo.example', 'bookinfo.example:*'], [{ match: { prefix: '/' }, route: { cluster: 'app' } }])])],
    listeners: [
      {
        name: '0.0.0.0_8443',
        address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
        filter_chains: [
          {
            filter_chain_match: { server_names: ['bookinfo.example'] },
            filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm({ rds: 'https.443' }) }],
            transport_socket: {
              name: 'envoy.transport_sockets.tls',
              typed_config: { '@type': DOWNSTREAM_TLS, common_tls_context: { tls_certificates: [{ certificate_chain: { inline_string: gatewayCert.certPem }, private_key: { inline_string: gatewayCert.keyPem } }] } },
            },
          },
        ],
        listener_filters: [{ name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector' } }],
      },
    ],
  });
});

after(async () => {
  await Promise.all([client.stop(), server.stop(), gateway.stop()]);
  await app.close();
});

test('sidecar to sidecar over Istio mTLS: SDS certificates, SPIFFE SAN check, ALPN-selected inbound chain', async () => {
  const res = await httpGet(client.port('127.0.0.1_15080'), '', { absoluteUrl: 'http://reviews:9080/reviews/1', headers: { host: 'reviews:9080' } });
  assert.equal(res.status, 200);
  assert.equal(res.json().upstream, 'reviews-app');
  const prom = (await httpGet(server.adminPort(), '/stats/prometheus')).body;
  assert.match(prom, /istio_requests_total\{reporter="destination",source_workload="productpage-v1",[^}]*connection_security_policy="mutual_tls"\} 1/);
  const dump = (await httpGet(server.adminPort(), '/config_dump')).body;
  assert.match(dump, /"name": "default"/);
  assert.doesNotMatch(dump, /PRIVATE KEY/);
});

test('a server whose certificate does not carry the expected SAN is refused (503 UF)', async () => {
  const res = await httpGet(client.port('127.0.0.1_15080'), '', { absoluteUrl: 'http://impostor:9080/', headers: { host: 'impostor:9080' } });
  assert.equal(res.status, 503);
  assert.match(res.body, /connection failure/);
});

test('PERMISSIVE: plaintext on the same port takes the raw_buffer chain; TLS without a client certificate is refused', async () => {
  assert.equal((await httpGet(inboundPort, '/plain')).json().upstream, 'reviews-app');
  const outcome = await new Promise<string>((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port: inboundPort, ca: ca.certPem, servername: 'reviews', ALPNProtocols: ['istio'], checkServerIdentity: () => undefined });
    s.once('secureConnect', () => {
      s.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    });
    s.once('data', () => resolve('served'));
    s.once('error', () => resolve('refused'));
    s.once('close', () => resolve('refused'));
  });
  assert.equal(outcome, 'refused');
});

test('an HTTPS gateway listener terminates TLS for its SNI', async () => {
  const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: gateway.port('0.0.0.0_8443'), path: '/productpage', servername: 'bookinfo.example', headers: { host: 'bookinfo.example' }, ca: ca.certPem, agent: false },
      (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body).upstream, 'reviews-app');
});
