// Every Bookinfo traffic-management task of Istio's docs, simulated through the config Skiff
// generates: the listener, route and clusters a request hits, with no sockets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateProxyConfig, simulate, type SimulatedRequest, type SimulationResult } from '../../src/control-plane/translate/simulate.js';
import type { Json } from '../../src/control-plane/translate/envoy-common.js';
import { bookinfoPush, ingressGateway, sidecarOf } from './fixtures.js';
import {
  BOOKINFO_GATEWAY, DESTINATION_RULE_ALL, RATINGS_TEST_ABORT, RATINGS_TEST_DELAY, REVIEWS_50_V3, REVIEWS_80_20,
  REVIEWS_TEST_V2, REVIEWS_TIMEOUT, VIRTUAL_SERVICE_ALL_V1,
} from './bookinfo-networking.js';

const REVIEWS = 'reviews.default.svc.cluster.local';
const RATINGS = 'ratings.default.svc.cluster.local';

function fromSidecar(networking: string, prefix: string, req: SimulatedRequest): SimulationResult {
  const push = bookinfoPush(networking);
  return simulate(generateProxyConfig(sidecarOf(push, prefix), push), req);
}

function clusterNames(r: SimulationResult): string[] {
  return r.clusters.map((c) => c.name);
}

describe('Bookinfo: request routing (virtual-service-all-v1)', () => {
  const networking = DESTINATION_RULE_ALL + '---' + VIRTUAL_SERVICE_ALL_V1;
  it('sends productpage → reviews to v1 only', () => {
    const r = fromSidecar(networking, 'productpage', { port: 9080, authority: 'reviews:9080', path: '/reviews/0' });
    assert.equal(r.outcome, 'cluster');
    assert.equal(r.listener, '0.0.0.0_9080');
    assert.equal(r.routeConfig, '9080');
    assert.equal(r.virtualHost, `${REVIEWS}:9080`);
    assert.deepEqual(r.clusters.map((c) => [c.name, c.weight]), [[`outbound|9080|v1|${REVIEWS}`, 100]]);
    assert.equal(r.clusters[0]!.endpoints.length, 1);
    assert.equal(r.origin!.config, '/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews');
    assert.equal(r.origin!.httpRule, 0);
  });
  it('resolves every host form an app may use', () => {
    for (const authority of ['reviews', 'reviews:9080', 'reviews.default', 'reviews.default.svc', `${REVIEWS}`, `${REVIEWS}:9080`]) {
      const r = fromSidecar(networking, 'productpage', { port: 9080, authority });
      assert.deepEqual(clusterNames(r), [`outbound|9080|v1|${REVIEWS}`], authority);
    }
  });
  it('routes details and ratings to v1 too', () => {
    assert.deepEqual(clusterNames(fromSidecar(networking, 'productpage', { port: 9080, authority: 'details:9080' })), ['outbound|9080|v1|details.default.svc.cluster.local']);
    assert.deepEqual(clusterNames(fromSidecar(networking, 'reviews-v2', { port: 9080, authority: 'ratings:9080' })), [`outbound|9080|v1|${RATINGS}`]);
  });
  it('limits the v1 subset to the v1 replica', () => {
    const push = bookinfoPush(networking);
    const config = generateProxyConfig(sidecarOf(push, 'productpage'), push);
    const v1 = push.registry.workloads.find((w) => w.name.startsWith('reviews-v1'))!;
    const r = simulate(config, { port: 9080, authority: 'reviews' });
    assert.deepEqual(r.clusters[0]!.endpoints, [`${v1.address}:9080`]);
  });
  it('without VirtualServices, reviews balances over every version', () => {
    const r = fromSidecar('', 'productpage', { port: 9080, authority: 'reviews:9080' });
    assert.deepEqual(clusterNames(r), [`outbound|9080||${REVIEWS}`]);
    assert.equal(r.clusters[0]!.endpoints.length, 3);
    assert.equal(r.routeName, 'default');
  });
});

describe('Bookinfo: routing by user identity (virtual-service-reviews-test-v2)', () => {
  const networking = DESTINATION_RULE_ALL + '---' + REVIEWS_TEST_V2;
  it('sends end-user: jason to v2', () => {
    const r = fromSidecar(networking, 'productpage', { port: 9080, authority: 'reviews:9080', headers: { 'end-user': 'jason' } });
    assert.deepEqual(clusterNames(r), [`outbound|9080|v2|${REVIEWS}`]);
    assert.equal(r.origin!.httpRule, 0);
  });
  it('sends anyone else to v1', () => {
    for (const headers of [{}, { 'end-user': 'alice' }, { 'end-user': 'Jason' }] as Record<string, string>[]) {
      const r = fromSidecar(networking, 'productpage', { port: 9080, authority: 'reviews:9080', headers });
      assert.deepEqual(clusterNames(r), [`outbound|9080|v1|${REVIEWS}`], JSON.stringify(headers));
      assert.equal(r.origin!.httpRule, 1);
    }
  });
});

describe('Bookinfo: traffic shifting', () => {
  it('splits 80/20 between v1 and v2 (virtual-service-reviews-80-20)', () => {
    const r = fromSidecar(DESTINATION_RULE_ALL + '---' + REVIEWS_80_20, 'productpage', { port: 9080, authority: 'reviews:9080' });
    assert.deepEqual(r.clusters.map((c) => [c.name, c.weight]), [[`outbound|9080|v1|${REVIEWS}`, 80], [`outbound|9080|v2|${REVIEWS}`, 20]]);
    const action = r.route!.route as Json;
    assert.deepEqual((action.weighted_clusters as Json).clusters, [{ name: `outbound|9080|v1|${REVIEWS}`, weight: 80 }, { name: `outbound|9080|v2|${REVIEWS}`, weight: 20 }]);
  });
  it('splits 50/50 between v1 and v3 (virtual-service-reviews-50-v3)', () => {
    const r = fromSidecar(DESTINATION_RULE_ALL + '---' + REVIEWS_50_V3, 'productpage', { port: 9080, authority: 'reviews:9080' });
    assert.deepEqual(r.clusters.map((c) => [c.name, c.weight]), [[`outbound|9080|v1|${REVIEWS}`, 50], [`outbound|9080|v3|${REVIEWS}`, 50]]);
  });
});

describe('Bookinfo: fault injection', () => {
  it('delays jason by 7s on 100% of requests (virtual-service-ratings-test-delay)', () => {
    const r = fromSidecar(DESTINATION_RULE_ALL + '---' + RATINGS_TEST_DELAY, 'reviews-v2', { port: 9080, authority: 'ratings:9080', headers: { 'end-user': 'jason' } });
    assert.deepEqual(clusterNames(r), [`outbound|9080|v1|${RATINGS}`]);
    assert.deepEqual((r.route!.typed_per_filter_config as Json)['envoy.filters.http.fault'], {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      delay: { fixed_delay: '7s', percentage: { numerator: 1000000, denominator: 'MILLION' } },
    });
  });
  it('aborts jason with HTTP 500 (virtual-service-ratings-test-abort)', () => {
    const r = fromSidecar(DESTINATION_RULE_ALL + '---' + RATINGS_TEST_ABORT, 'reviews-v2', { port: 9080, authority: 'ratings:9080', headers: { 'end-user': 'jason' } });
    assert.deepEqual((r.route!.typed_per_filter_config as Json)['envoy.filters.http.fault'], {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      abort: { percentage: { numerator: 1000000, denominator: 'MILLION' }, http_status: 500 },
    });
  });
  it('leaves other users without a fault', () => {
    const r = fromSidecar(DESTINATION_RULE_ALL + '---' + RATINGS_TEST_ABORT, 'reviews-v2', { port: 9080, authority: 'ratings:9080' });
    assert.deepEqual(clusterNames(r), [`outbound|9080|v1|${RATINGS}`]);
    assert.equal(r.route!.typed_per_filter_config, undefined);
  });
});

describe('Bookinfo: request timeouts and retries', () => {
  it('sets the VirtualService timeout (virtual-service-reviews-timeout)', () => {
    const r = fromSidecar(DESTINATION_RULE_ALL + '---' + REVIEWS_TIMEOUT, 'productpage', { port: 9080, authority: 'reviews:9080' });
    assert.equal((r.route!.route as Json).timeout, '0.500s');
  });
  it("applies Istio's default retry policy and no timeout when none is set", () => {
    const r = fromSidecar('', 'productpage', { port: 9080, authority: 'reviews:9080' });
    const action = r.route!.route as Json;
    assert.equal(action.timeout, '0s');
    assert.deepEqual(action.retry_policy, {
      retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
      num_retries: 2,
      retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }],
      host_selection_retry_max_attempts: '5',
    });
  });
});

describe('Bookinfo: ingress gateway (bookinfo-gateway)', () => {
  const push = bookinfoPush(BOOKINFO_GATEWAY);
  const config = generateProxyConfig(ingressGateway(push), push);
  const PRODUCTPAGE = 'outbound|9080||productpage.default.svc.cluster.local';
  for (const path of ['/productpage', '/static/css/style.css', '/login', '/logout', '/api/v1/products', '/api/v1/products/0/reviews']) {
    it(`routes ${path} to productpage`, () => {
      const r = simulate(config, { port: 8080, authority: 'bookinfo.example.com', path });
      assert.equal(r.listener, '0.0.0.0_8080');
      assert.equal(r.routeConfig, 'http.8080');
      assert.equal(r.virtualHost, '*:8080');
      assert.deepEqual(clusterNames(r), [PRODUCTPAGE]);
    });
  }
  for (const path of ['/', '/productpage/extra', '/reviews', '/api/v2/products']) {
    it(`answers ${path} with 404: no route`, () => {
      const r = simulate(config, { port: 8080, authority: '10.0.0.1:8080', path });
      assert.equal(r.outcome, 'no_route');
      assert.equal(r.status, 404);
    });
  }
  it('is not visible to sidecars', () => {
    const r = simulate(generateProxyConfig(sidecarOf(push, 'reviews-v1'), push), { port: 9080, authority: 'productpage:9080', path: '/productpage' });
    assert.equal(r.routeName, 'default');
  });
});
