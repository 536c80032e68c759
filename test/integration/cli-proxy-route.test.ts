// `skiff x route -f`: Istio's Bookinfo manifests and networking samples, nothing running. The
// request goes through the config the control plane would generate, and the answer names the
// listener, the VirtualService rule, the destinations and their policies.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouteExplanation } from '../../src/control-plane/server/debug-route-explain.js';
import { repoRoot } from '../testkit/repo-root.js';
import { runner, type Run } from './cli-harness.js';

const SAMPLES = join(repoRoot(), 'samples', 'bookinfo');
const REVIEWS = 'reviews.default.svc.cluster.local';
let home: string;
let bookinfo: string;
let shifting: string;
let run: Run;

async function sampleDir(name: string, networking: string[]): Promise<string> {
  const dir = join(home, name);
  await mkdir(dir);
  await copyFile(join(SAMPLES, 'platform', 'kube', 'bookinfo.yaml'), join(dir, 'bookinfo.yaml'));
  for (const f of networking) await copyFile(join(SAMPLES, 'networking', f), join(dir, f));
  return dir;
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'skiff-x-route-'));
  bookinfo = await sampleDir('bookinfo', ['bookinfo-gateway.yaml', 'destination-rule-all.yaml', 'virtual-service-reviews-test-v2.yaml', 'virtual-service-ratings-test-delay.yaml']);
  shifting = await sampleDir('shifting', ['destination-rule-all.yaml', 'virtual-service-reviews-80-20.yaml']);
  // No control plane: SKIFF_SERVER points where nothing listens, so a call to it would fail the test.
  const cli = runner(home);
  run = (args, opts) => cli(args, { ...opts, env: { SKIFF_SERVER: 'http://127.0.0.1:9', ...opts?.env } });
});

after(() => rm(home, { recursive: true, force: true }));

async function explain(args: string[]): Promise<RouteExplanation> {
  const res = await run(['x', 'route', ...args, '-o', 'json']);
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout) as RouteExplanation;
}

test('jason goes to reviews v2, by the first rule of VirtualService reviews', async () => {
  const e = await explain(['-f', bookinfo, '--from', 'productpage-v1', 'http://reviews:9080/reviews/0', '-H', 'end-user: jason']);
  assert.equal(e.proxy.type, 'sidecar');
  assert.match(e.proxy.pod, /^productpage-v1-/);
  assert.equal(e.listener, '0.0.0.0_9080');
  assert.equal(e.route_config, '9080');
  assert.equal(e.virtual_host, `${REVIEWS}:9080`);
  const vs = e.route!.virtual_service!;
  assert.deepEqual([vs.kind, vs.namespace, vs.name, vs.rule, vs.match], ['VirtualService', 'default', 'reviews', 0, 0]);
  assert.equal(vs.file, join(bookinfo, 'virtual-service-reviews-test-v2.yaml'));
  assert.deepEqual(e.destinations.map((d) => [d.cluster, d.weight, d.subset]), [[`outbound|9080|v2|${REVIEWS}`, 100, 'v2']]);
  const d = e.destinations[0]!;
  assert.deepEqual([d.destination_rule?.name, d.destination_rule?.file], ['reviews', join(bookinfo, 'destination-rule-all.yaml')]);
  assert.equal(d.policy?.lb_policy, 'LEAST_REQUEST');
  assert.deepEqual(d.endpoints.map((ep) => [ep.pod?.replace(/-[a-z0-9]+-\d+$/, ''), ep.health]), [['reviews-v2', 'HEALTHY']]);
});

test('anyone else goes to reviews v1 by the second rule; the text names each step', async () => {
  const res = await run(['x', 'route', '-f', bookinfo, '--from', 'deploy/productpage-v1', 'http://reviews:9080/reviews/0']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^Listener: +0\.0\.0\.0_9080$/m);
  assert.match(res.stdout, new RegExp(`^VirtualService: +VirtualService default/reviews \\(.*virtual-service-reviews-test-v2\\.yaml\\), http\\[1\\]`, 'm'));
  assert.match(res.stdout, new RegExp(`^Destination outbound\\|9080\\|v1\\|${REVIEWS.replace(/\./g, '\\.')}  100%$`, 'm'));
  assert.match(res.stdout, /^ {2}Endpoints: +127\.0\.0\.1:9080 {2}HEALTHY {2}reviews-v1-/m);
  assert.equal(res.stderr, '');
});

test('the ingress gateway sends /productpage to productpage, and answers 404 NR for paths no rule matches', async () => {
  const e = await explain(['-f', bookinfo, '--gateway', 'istio-ingressgateway', 'http://bookinfo.example.com/productpage']);
  assert.deepEqual([e.proxy.type, e.proxy.namespace], ['router', 'istio-system']);
  // Port 80 of the gateway's Service targets 8080, where the Gateway server listens.
  assert.deepEqual([e.listener, e.route_config, e.virtual_host], ['0.0.0.0_8080', 'http.8080', '*:8080']);
  assert.deepEqual([e.route!.virtual_service!.name, e.route!.match], ['bookinfo', '/productpage']);
  assert.deepEqual(e.destinations.map((d) => d.cluster), ['outbound|9080||productpage.default.svc.cluster.local']);

  const miss = await run(['x', 'route', '-f', bookinfo, '--gateway', 'ingressgateway', 'http://bookinfo.example.com/nothing']);
  assert.equal(miss.code, 1);
  const why = 'listener 0.0.0.0_8080, route config http.8080, virtual host *:8080: no route matches GET /nothing; Envoy answers 404 (response flag NR)';
  assert.match(miss.stdout, new RegExp(`^Result: +${why.replace(/[.*()]/g, '\\$&')}$`, 'm'));
  assert.equal(miss.stderr, `error: ${why}\n`);
  const json = await run(['x', 'explain', '-f', bookinfo, '--gateway', 'istio-ingressgateway', 'http://bookinfo.example.com/nothing', '-o', 'json']);
  assert.equal(json.code, 1);
  const e404 = JSON.parse(json.stdout) as RouteExplanation;
  assert.deepEqual([e404.outcome, e404.status, e404.response_flags, e404.destinations.length], ['no_route', 404, 'NR', 0]);
});

test('-o json carries the route\'s fault and the weights of a traffic split', async () => {
  const fault = await explain(['-f', bookinfo, '--from', 'reviews-v2', 'http://ratings:9080/ratings/0', '-H', 'end-user: jason']);
  assert.equal(fault.route!.virtual_service!.name, 'ratings');
  assert.deepEqual((fault.route!.fault as { delay: { fixed_delay: string } }).delay.fixed_delay, '7s');
  assert.equal(fault.request.headers['end-user'], 'jason');
  const plain = await explain(['-f', bookinfo, '--from', 'reviews-v2', 'http://ratings:9080/ratings/0']);
  assert.equal(plain.route!.fault, undefined);
  assert.equal(plain.route!.virtual_service!.rule, 1);

  const split = await explain(['-f', shifting, '--from', 'productpage-v1', 'http://reviews:9080/reviews/0', '-X', 'post']);
  assert.equal(split.request.method, 'POST');
  assert.deepEqual(split.destinations.map((d) => [d.subset, d.weight]), [['v1', 80], ['v2', 20]]);
});

test('unknown workloads, URLs without a host and conflicting flags are clear errors', async () => {
  const unknown = await run(['x', 'route', '-f', bookinfo, '--from', 'nope', 'http://reviews:9080/']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^error: unknown workload "nope" for --from: no pod or Deployment of that name in any namespace; Deployments: details-v1\.default, /);
  const noHost = await run(['x', 'route', '-f', bookinfo, '--from', 'productpage-v1', 'http:///reviews']);
  assert.deepEqual([noHost.code, noHost.stderr], [1, 'error: URL "http:///reviews" has no host; name the service, e.g. http://reviews:9080/\n']);
  const both = await run(['x', 'route', '-f', bookinfo, '--from', 'productpage-v1', '--gateway', 'istio-ingressgateway', 'http://reviews:9080/']);
  assert.equal(both.code, 1);
  assert.match(both.stderr, /give exactly one of --from WORKLOAD/);
  const header = await run(['x', 'route', '-f', bookinfo, '--from', 'productpage-v1', 'http://reviews:9080/', '-H', 'end-user']);
  assert.deepEqual([header.code, header.stderr], [1, 'error: header "end-user" must be written "name: value"\n']);
  const kind = await run(['x', 'route', '-f', bookinfo, '--from', 'svc/reviews', 'http://reviews:9080/']);
  assert.match(kind.stderr, /"svc" is not a workload kind; use deploy\/NAME or pod\/NAME/);
});
