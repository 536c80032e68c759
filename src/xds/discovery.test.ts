import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { packAny, unpackAny } from './codec.js';
import { decodeDiscoveryRequest, decodeDiscoveryResponse, encodeDiscoveryRequest, encodeDiscoveryResponse, type DiscoveryResponse } from './discovery.js';
import { adsServiceDefinition, createAdsClient, openAdsStream, type AdsServiceHandlers } from './ads-service.js';
import { TYPE_URL } from './type-urls.js';

const node = {
  id: 'sidecar~10.0.0.1~productpage-v1-abc.default~default.svc.cluster.local',
  cluster: 'productpage.default',
  metadata: { NAMESPACE: 'default', LABELS: { app: 'productpage', version: 'v1' }, ISTIO_VERSION: '1.24.0' },
  locality: { region: 'us-east1', zone: 'us-east1-b' },
};

test('DiscoveryRequest round-trips with node metadata and a NACK error_detail', () => {
  const bytes = encodeDiscoveryRequest({
    type_url: TYPE_URL.CLUSTER,
    version_info: '3',
    response_nonce: 'n-4',
    node,
    resource_names: [],
    error_detail: { code: 3, message: 'cluster c: unsupported lb_policy' },
  });
  assert.deepStrictEqual(decodeDiscoveryRequest(bytes), {
    version_info: '3',
    resource_names: [],
    type_url: TYPE_URL.CLUSTER,
    response_nonce: 'n-4',
    node,
    error_detail: { code: 3, message: 'cluster c: unsupported lb_policy', details: [] },
  });
  // a minimal first request fills proto3 defaults
  assert.deepStrictEqual(decodeDiscoveryRequest(encodeDiscoveryRequest({ type_url: TYPE_URL.LISTENER })), {
    version_info: '', resource_names: [], type_url: TYPE_URL.LISTENER, response_nonce: '',
  });
  assert.throws(() => encodeDiscoveryRequest({ type_url: TYPE_URL.LISTENER, node: { id: 'x', metadata: 'nope' as never } }), /node\.metadata: expected a JSON object/);
});

test('DiscoveryResponse keeps resources packed', () => {
  const cluster = { '@type': TYPE_URL.CLUSTER, name: 'outbound|9080||reviews.default.svc.cluster.local', type: 'EDS' };
  const response: DiscoveryResponse = { version_info: 'v1', resources: [packAny(cluster)], type_url: TYPE_URL.CLUSTER, nonce: '1', control_plane: { identifier: 'skiff' } };
  const decoded = decodeDiscoveryResponse(encodeDiscoveryResponse(response));
  assert.equal(decoded.resources.length, 1);
  assert.deepStrictEqual(unpackAny(decoded.resources[0]!), cluster);
  assert.deepStrictEqual({ ...decoded, resources: [] }, { ...response, resources: [] });
  assert.throws(() => encodeDiscoveryResponse({ ...response, resources: [cluster as never] }), /resources\[0\]: expected a packed Any/);
});

test('the ADS service definition carries a stream over grpc-js', async () => {
  const server = new grpc.Server();
  const handlers: AdsServiceHandlers = {
    StreamAggregatedResources: (call) => {
      call.on('data', (request) => {
        call.write({
          version_info: '1',
          type_url: request.type_url,
          nonce: 'a',
          resources: [packAny({ '@type': TYPE_URL.CLUSTER, name: `for ${request.node?.id ?? '?'}` })],
        });
      });
      call.on('end', () => call.end());
    },
  };
  server.addService(adsServiceDefinition, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const client = createAdsClient(`127.0.0.1:${port}`);
  try {
    const stream = openAdsStream(client);
    const first = new Promise<DiscoveryResponse>((resolve, reject) => {
      stream.once('data', resolve);
      stream.once('error', reject);
    });
    stream.write({ type_url: TYPE_URL.CLUSTER, node });
    const response = await first;
    assert.equal(response.type_url, TYPE_URL.CLUSTER);
    assert.deepStrictEqual(unpackAny(response.resources[0]!), { '@type': TYPE_URL.CLUSTER, name: `for ${node.id}` });
    stream.end();
    stream.cancel();
  } finally {
    client.close();
    server.forceShutdown();
  }
});
