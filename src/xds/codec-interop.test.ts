// The bytes Skiff encodes, read by an independent decoder: @grpc/grpc-js-xds's own resource
// decoder (its proto-loader root), the client our control plane must serve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { encodeResource } from './codec.js';
import { TYPE_URL } from './type-urls.js';
import * as istio from './testdata/istio-resources.js';

type Decode = (typeUrl: string, message: Buffer) => Record<string, any>;
const { decodeSingleResource } = createRequire(import.meta.url)('@grpc/grpc-js-xds/build/src/resources.js') as { decodeSingleResource: Decode };

test('grpc-js-xds decodes Skiff-encoded listeners, routes, clusters and endpoints', () => {
  const listener = decodeSingleResource(TYPE_URL.LISTENER, encodeResource(TYPE_URL.LISTENER, istio.outboundHttpListener));
  assert.equal(listener['name'], '0.0.0.0_9080');
  assert.equal(listener['address'].socket_address.port_value, 9080);
  const hcm = listener['filter_chains'][0].filters[0].typed_config;
  assert.equal(hcm.type_url, TYPE_URL.HTTP_CONNECTION_MANAGER);

  const routes = decodeSingleResource(TYPE_URL.ROUTE_CONFIGURATION, encodeResource(TYPE_URL.ROUTE_CONFIGURATION, istio.routeConfiguration));
  const weighted = routes['virtual_hosts'][0].routes[1].route.weighted_clusters.clusters;
  assert.deepStrictEqual(weighted.map((c: any) => [c.name, c.weight.value]), [
    ['outbound|9080|v1|reviews.default.svc.cluster.local', 75],
    ['outbound|9080|v3|reviews.default.svc.cluster.local', 25],
  ]);
  assert.equal(routes['virtual_hosts'][0].routes[1].route.timeout.nanos, 500_000_000);
  assert.equal(routes['virtual_hosts'][0].routes[0].match.headers[0].string_match.exact, 'jason');

  const cluster = decodeSingleResource(TYPE_URL.CLUSTER, encodeResource(TYPE_URL.CLUSTER, istio.outboundCluster));
  assert.equal(cluster['type'], 'EDS');
  assert.equal(cluster['lb_policy'], 'LEAST_REQUEST');
  assert.equal(cluster['eds_cluster_config'].service_name, 'outbound|9080|v1|reviews.default.svc.cluster.local');
  assert.equal(cluster['circuit_breakers'].thresholds[0].max_requests.value, 4294967295);
  assert.equal(cluster['connect_timeout'].seconds, '10');

  const cla = decodeSingleResource(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, encodeResource(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, istio.clusterLoadAssignment));
  const lb = cla['endpoints'][0].lb_endpoints;
  assert.deepStrictEqual(lb.map((e: any) => [e.endpoint.address.socket_address.address, e.health_status]), [['10.0.0.12', 'HEALTHY'], ['10.0.0.13', 'UNHEALTHY']]);
  assert.equal(cla['endpoints'][1].priority, 1);
});
