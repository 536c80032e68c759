import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCluster } from './cluster.js';
import { sharedValue } from './intern.js';
import { compileRouteConfiguration } from './route-configuration.js';
import { compile } from './test-helpers.js';

const retry = { retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', num_retries: 2, retriable_status_codes: [503] };

function vhost(i: number, retryPolicy: unknown = retry) {
  return { name: `svc-${i}`, domains: [`svc-${i}`], routes: [{ match: { prefix: '/' }, route: { cluster: `outbound|80||svc-${i}`, retry_policy: retryPolicy } }] };
}

test('equal parts of different routes compile to one shared object; different ones do not', () => {
  const { value, errors } = compile(compileRouteConfiguration, { name: '80', virtual_hosts: [vhost(0), vhost(1), vhost(2, { ...retry, num_retries: 3 })] });
  assert.deepEqual(errors, []);
  const [a, b, c] = value!.virtualHosts.map((vh) => vh.routes[0]!);
  assert.equal(a!.retryPolicy, b!.retryPolicy);
  assert.notEqual(a!.retryPolicy, c!.retryPolicy);
  assert.equal(c!.retryPolicy!.numRetries, 3);
  assert.equal(a!.match, c!.match);
  assert.notEqual(a!.action, b!.action);
  assert.equal(b!.action!.cluster, 'outbound|80||svc-1');
  // Shared across separate compiles too, while the first is alive.
  const again = compile(compileRouteConfiguration, { name: 'other', virtual_hosts: [vhost(9)] }).value!;
  assert.equal(again.virtualHosts[0]!.routes[0]!.retryPolicy, a!.retryPolicy);
});

test('an invalid part is reported at every path it appears, never shared', () => {
  const bad = { retry_on: 'sometimes' };
  const { value, errors } = compile(compileRouteConfiguration, { name: '80', virtual_hosts: [vhost(0, bad), vhost(1, bad)] });
  assert.equal(value, undefined);
  const reported = errors.filter((e) => e.includes('unknown retry condition "sometimes"'));
  assert.equal(reported.length, 2);
  assert.notEqual(reported[0], reported[1]);
});

test('clusters with equal settings share them; a different setting gets its own object', () => {
  const cluster = (name: string, maxRequests: number) => ({
    name, type: 'STATIC', lb_policy: 'LEAST_REQUEST', circuit_breakers: { thresholds: [{ max_requests: maxRequests }] },
    load_assignment: { cluster_name: name, endpoints: [{ locality: { zone: 'z1' }, lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 80 } } } }] }] },
  });
  const [a, b, c] = [cluster('a', 10), cluster('b', 10), cluster('c', 11)].map((raw) => compile(compileCluster, raw).value!);
  assert.equal(a!.lb, c!.lb);
  assert.equal(a!.circuitBreakers, b!.circuitBreakers);
  assert.notEqual(a!.circuitBreakers, c!.circuitBreakers);
  assert.equal(c!.circuitBreakers.maxRequests, 11);
  assert.equal(a!.loadAssignment!.endpoints[0]!.locality, c!.loadAssignment!.endpoints[0]!.locality);
});

test('sharedValue tells undefined, null and non-finite numbers apart', () => {
  const base = sharedValue('t', { x: null as number | null | undefined });
  assert.notEqual(sharedValue('t', { x: undefined }), base);
  assert.notEqual(sharedValue('t', { x: Infinity }), base);
  assert.equal(sharedValue('t', { x: null }), base);
  assert.notEqual(sharedValue('u', { x: null }), base);
});

test('a virtual host sent in two route configurations at once compiles once; the table ends with the task', async () => {
  const a = compile(compileRouteConfiguration, { name: '80', virtual_hosts: [vhost(1)] }).value!;
  const b = compile(compileRouteConfiguration, { name: 'http_proxy', virtual_hosts: [vhost(1)] }).value!;
  const withHeaders = compile(compileRouteConfiguration, {
    name: 'other', virtual_hosts: [vhost(1)], request_headers_to_add: [{ header: { key: 'x-a', value: '1' } }],
  }).value!;
  assert.equal(a.virtualHosts[0], b.virtualHosts[0]);
  assert.equal(b.exact.get('svc-1'), a.virtualHosts[0]);
  assert.notEqual(withHeaders.virtualHosts[0], a.virtualHosts[0]);
  await new Promise((resolve) => setImmediate(resolve));
  const later = compile(compileRouteConfiguration, { name: '80', virtual_hosts: [vhost(1)] }).value!;
  assert.notEqual(later.virtualHosts[0], a.virtualHosts[0]);
  assert.deepEqual(later.virtualHosts[0]!.domains, ['svc-1']);
});
