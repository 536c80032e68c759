// proxy-status, proxy-config and the debug endpoints against a running control plane, with fake
// proxies (grpc-js ADS clients) that ACK or NACK what they are sent. The fake proxies have no
// admin server and no Pod object, so proxy-config shows what the control plane sent them.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../../src/control-plane/control-plane.js';
import { nodeId } from '../../src/control-plane/model/proxy.js';
import { MemoryWorkloadSource } from '../../src/control-plane/registry/workload.js';
import { startProxy } from '../../src/proxy/main.js';
import { TestProxy } from '../../src/control-plane/server/ads-test-kit.js';
import { TYPE_URL, unpackAny, type DiscoveryResponse } from '../../src/xds/index.js';
import { runner, type Run } from './cli-harness.js';

const PRODUCTPAGE = nodeId('sidecar', '10.0.0.6', 'productpage-v1-aaa', 'default');
const RATINGS = nodeId('sidecar', '10.0.0.7', 'ratings-v1-bbb', 'default');
const REVIEWS_HOST = 'reviews.default.svc.cluster.local';

function service(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 9080, name: 'http' }], selector: { app: name } } };
}

async function mesh(t: TestContext): Promise<{ cp: ControlPlane; run: Run }> {
  const home = await mkdtemp(join(tmpdir(), 'skiff-proxy-status-'));
  const workloads = new MemoryWorkloadSource();
  for (const [name, address] of [['reviews-v1-ccc', '10.0.0.5'], ['productpage-v1-aaa', '10.0.0.6'], ['ratings-v1-bbb', '10.0.0.7']] as const) {
    workloads.upsert({ name, namespace: 'default', address, ports: [{ name: 'http', port: 9080 }], labels: { app: name.split('-')[0]!, version: 'v1' }, healthy: true, kind: 'Pod' });
  }
  const cp = await startControlPlane({ home, apiPort: 0, workloads, debounceMs: 1, log: () => {} });
  t.after(async () => {
    await cp.close();
    await rm(home, { recursive: true, force: true });
  });
  for (const name of ['reviews', 'productpage', 'ratings']) await cp.store.create(service(name) as never);
  // Build the push now so the fake proxies see one stable version.
  cp.pushes!.flush();
  return { cp, run: runner(home) };
}

/** Subscribes to CDS, EDS, LDS and RDS as Envoy does, answering each response with `answer`. */
async function connect(t: TestContext, port: number, id: string, answer: (p: TestProxy, r: DiscoveryResponse) => void): Promise<TestProxy> {
  const p = new TestProxy(port, id);
  t.after(() => p.close());
  p.request({ type_url: TYPE_URL.CLUSTER, withNode: true });
  const cds = await p.next();
  answer(p, cds);
  const edsNames = cds.resources.map((a) => unpackAny(a)).filter((c) => c['type'] === 'EDS').map((c) => String(c['name']));
  p.request({ type_url: TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, resource_names: edsNames });
  answer(p, await p.next());
  p.request({ type_url: TYPE_URL.LISTENER });
  const lds = await p.next();
  answer(p, lds);
  const routeNames = lds.resources.flatMap((a) => JSON.stringify(unpackAny(a)).match(/"route_config_name":"[^"]+"/g) ?? []).map((m) => m.split(':"')[1]!.slice(0, -1));
  p.request({ type_url: TYPE_URL.ROUTE_CONFIGURATION, resource_names: [...new Set(routeNames)] });
  answer(p, await p.next());
  return p;
}

async function settled(cp: ControlPlane, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`sync status did not settle: ${JSON.stringify(cp.ads!.syncStatus().map((s) => s.xds.map((x) => x.state)))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('proxy-status shows SYNCED proxies, a NACK, and the debug endpoints describe them', async (t) => {
  const { cp, run } = await mesh(t);
  await connect(t, cp.xdsPort!, PRODUCTPAGE, (p, r) => p.ack(r));
  await connect(t, cp.xdsPort!, RATINGS, (p, r) => (r.type_url === TYPE_URL.LISTENER ? p.nack(r, '', 'listener 0.0.0.0_9080: unsupported filter') : p.ack(r)));
  await settled(cp, () => cp.ads!.syncStatus().filter((s) => s.xds.every((x) => x.state !== 'NOT SENT' && x.state.startsWith('STALE') === x.nacked)).length === 2);

  const status = await run(['proxy-status']);
  assert.equal(status.code, 0, status.stderr);
  const lines = status.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^NAME\s+CLUSTER\s+CDS\s+LDS\s+EDS\s+RDS\s+ECDS\s+ISTIOD\s+VERSION$/);
  assert.match(lines[1]!, /^productpage-v1-aaa\.default\s+Kubernetes\s+SYNCED\s+SYNCED\s+SYNCED\s+SYNCED\s+NOT SENT\s+skiff\s+1\.24\.0$/);
  assert.match(lines[2]!, /^ratings-v1-bbb\.default\s+Kubernetes\s+SYNCED\s+NACK\s+SYNCED\s+SYNCED\s+NOT SENT\s+skiff\s+1\.24\.0$/);
  // Columns line up: every row has CDS where the header has it.
  assert.equal(lines[1]!.indexOf('SYNCED'), lines[0]!.indexOf('CDS'));

  const syncz = (await (await fetch(`${cp.apiUrl}/debug/syncz`)).json()) as Record<string, unknown>[];
  const ratings = syncz.find((s) => s.proxy === RATINGS)!;
  assert.equal(ratings.cluster_sent, ratings.cluster_acked);
  assert.notEqual(ratings.listener_sent, ratings.listener_acked);
  const lds = (ratings.xds as { type: string; state: string; last_nack: { message: string } }[]).find((x) => x.type === 'LDS')!;
  assert.deepEqual([lds.state, lds.last_nack.message], ['NACK', 'listener 0.0.0.0_9080: unsupported filter']);

  const dumpRes = await fetch(`${cp.apiUrl}/debug/config_dump?proxyID=productpage-v1-aaa.default`);
  assert.equal(dumpRes.status, 200);
  const dump = (await dumpRes.json()) as { configs: Record<string, unknown>[] };
  assert.deepEqual(dump.configs.map((c) => String(c['@type']).split('.').pop()), ['BootstrapConfigDump', 'ClustersConfigDump', 'ListenersConfigDump', 'RoutesConfigDump', 'EndpointsConfigDump']);
  const clusters = dump.configs[1]!.dynamic_active_clusters as { cluster: Record<string, unknown>; client_status: string }[];
  const reviews = clusters.find((c) => c.cluster.name === `outbound|9080||${REVIEWS_HOST}`)!;
  assert.equal(reviews.cluster['@type'], TYPE_URL.CLUSTER);
  assert.equal(reviews.client_status, 'ACKED');
  const byFullId = await fetch(`${cp.apiUrl}/debug/config_dump?proxyID=${encodeURIComponent(PRODUCTPAGE)}`);
  assert.equal(byFullId.status, 200);
  await byFullId.arrayBuffer();
  const nacked = (await (await fetch(`${cp.apiUrl}/debug/config_dump?proxyID=ratings-v1-bbb.default`)).json()) as { configs: Record<string, unknown>[] };
  const rejected = (nacked.configs[2]!.dynamic_listeners as { client_status: string; error_state: { details: string } }[])[0]!;
  assert.deepEqual([rejected.client_status, rejected.error_state.details], ['NACKED', 'listener 0.0.0.0_9080: unsupported filter']);

  const unknown = await fetch(`${cp.apiUrl}/debug/config_dump?proxyID=nope.default`);
  assert.equal(unknown.status, 404);
  assert.match(((await unknown.json()) as { error: string }).error, /no proxy "nope\.default" is connected/);
  const missing = await fetch(`${cp.apiUrl}/debug/config_dump`);
  assert.equal(missing.status, 400);
  await missing.arrayBuffer();

  const registry = (await (await fetch(`${cp.apiUrl}/debug/registryz`)).json()) as { hostname: string; endpoints: { workload: string }[] }[];
  assert.deepEqual(registry.find((s) => s.hostname === REVIEWS_HOST)!.endpoints.map((e) => e.workload), ['reviews-v1-ccc']);
  const configs = (await (await fetch(`${cp.apiUrl}/debug/configz`)).json()) as { configs: { kind: string }[] };
  assert.deepEqual(configs.configs.map((c) => c.kind), ['Service', 'Service', 'Service']);
  const metrics = await (await fetch(`${cp.apiUrl}/metrics`)).text();
  assert.match(metrics, /^pilot_xds 2$/m);
  assert.match(metrics, /^pilot_total_xds_rejects\{type="lds"\} 1$/m);
  assert.match(metrics, /^pilot_xds_pushes\{type="cds"\} 2$/m);
  assert.match(metrics, /^pilot_services 3$/m);
  // One push per debounced batch of the three Services: how many batches depends on timing.
  assert.match(metrics, /^pilot_push_triggers\{type="config"\} [1-3]$/m);
});

test('proxy-config reads what the control plane sent when the proxy admin is unreachable', async (t) => {
  const { cp, run } = await mesh(t);
  await connect(t, cp.xdsPort!, PRODUCTPAGE, (p, r) => p.ack(r));

  const json = await run(['proxy-config', 'cluster', 'productpage-v1-aaa', '-o', 'json', '--fqdn', 'reviews']);
  assert.equal(json.code, 0, json.stderr);
  assert.match(json.stderr, /^note: pod default\/productpage-v1-aaa is not known to the API; showing what the control plane last sent this proxy\n$/);
  const clusters = JSON.parse(json.stdout) as Record<string, unknown>[];
  assert.deepEqual(clusters.map((c) => [c['@type'], c.name]), [[TYPE_URL.CLUSTER, `outbound|9080||${REVIEWS_HOST}`]]);

  const table = await run(['pc', 'clusters', 'productpage-v1-aaa.default', '--direction', 'outbound', '--port', '9080']);
  assert.equal(table.code, 0, table.stderr);
  const rows = table.stdout.trimEnd().split('\n');
  assert.match(rows[0]!, /^SERVICE FQDN\s+PORT\s+SUBSET\s+DIRECTION\s+TYPE\s+DESTINATION RULE$/);
  assert.deepEqual(rows.slice(1).map((r) => r.trim().split(/\s+/)), [
    ['productpage.default.svc.cluster.local', '9080', '-', 'outbound', 'EDS'],
    ['ratings.default.svc.cluster.local', '9080', '-', 'outbound', 'EDS'],
    [REVIEWS_HOST, '9080', '-', 'outbound', 'EDS'],
  ]);

  const routes = await run(['pc', 'route', 'productpage-v1-aaa', '--name', '9080']);
  assert.equal(routes.code, 0, routes.stderr);
  assert.match(routes.stdout, /^NAME\s+VHOST NAME\s+DOMAINS\s+MATCH\s+VIRTUAL SERVICE\n/);
  // istioctl's DOMAINS column: the short names, the FQDN and `.svc` forms folded into them.
  assert.match(routes.stdout, /^9080 {5}reviews\.default\.svc\.cluster\.local:9080 +reviews, reviews\.default +\/\* {8}$/m);
  const listeners = await run(['pc', 'listener', 'productpage-v1-aaa', '--port', '9080']);
  assert.match(listeners.stdout, /^ADDRESSES PORT MATCH\s+DESTINATION\n0\.0\.0\.0\s+9080 /);
  const endpoints = await run(['pc', 'endpoint', 'productpage-v1-aaa', '--cluster', `outbound|9080||${REVIEWS_HOST}`]);
  assert.equal(endpoints.code, 0, endpoints.stderr);
  assert.equal(endpoints.stdout.trimEnd().split('\n')[1]!.trim().split(/\s+/).join(' '), `10.0.0.5:9080 HEALTHY OK outbound|9080||${REVIEWS_HOST}`);

  const all = await run(['pc', 'all', 'productpage-v1-aaa']);
  assert.equal(all.code, 0, all.stderr);
  // Four tables, a blank line apart: clusters, listeners, routes, endpoints.
  assert.deepEqual(all.stdout.split('\n\n').map((table) => table.split(' ')[0]), ['SERVICE', 'ADDRESSES', 'NAME', 'ENDPOINT']);
  const yaml = await run(['pc', 'route', 'productpage-v1-aaa', '--name', '9080', '-o', 'yaml']);
  assert.match(yaml.stdout, /^- '@type': type\.googleapis\.com\/envoy\.config\.route\.v3\.RouteConfiguration\n/);

  // What it runs (as sent and ACKed) is what the control plane would send now.
  const diff = await run(['proxy-status', 'productpage-v1-aaa']);
  assert.equal(diff.code, 0, diff.stderr);
  assert.match(diff.stdout, /^Clusters Match\nListeners Match\nRoutes Match \(RDS last loaded at \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d UTC\)\n$/);
  assert.match(diff.stderr, /comparing with what the control plane last sent this proxy/);

  const bad = await run(['pc', 'cluster', 'nope', '-o', 'json']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /error: no proxy for nope\.default: the pod has no reachable proxy admin and no proxy of that name is connected/);
  const badPort = await run(['pc', 'cluster', 'productpage-v1-aaa', '--port', 'x']);
  assert.deepEqual([badPort.code, badPort.stderr], [1, 'error: invalid argument "x" for "--port" flag: expected a port number\n']);
});

test('proxy-config and proxy-status read a real proxy through its admin server', async (t) => {
  const { cp, run } = await mesh(t);
  const pod = 'istio-ingressgateway-5c7b9-x2k4q';
  // A gateway with no Gateway config binds no listeners: nothing is served, the admin answers.
  const proxy = await startProxy({
    role: 'router',
    nodeId: nodeId('router', '127.0.0.1', pod, 'istio-system'),
    nodeMetadata: { SKIFF_BIND_ADDRESS: '127.0.0.1', LABELS: { istio: 'ingressgateway' } },
    xdsAddress: `127.0.0.1:${cp.xdsPort}`,
    adminPort: 0,
    log: () => undefined,
  });
  t.after(() => proxy.stop());
  const admin = proxy.adminAddress()!.port;
  await cp.store.create({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
    spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2' }] },
    status: { phase: 'Running', skiff: { sidecar: { outbound: 0, admin } } },
  } as never);
  await settled(cp, () => cp.ads!.syncStatus().some((s) => s.podName === pod && s.xds.find((x) => x.type === 'CDS')?.state === 'SYNCED'));

  const clusters = await run(['pc', 'cluster', `${pod}.istio-system`, '-o', 'json', '--fqdn', 'reviews']);
  assert.deepEqual([clusters.code, clusters.stderr], [0, '']);
  assert.deepEqual((JSON.parse(clusters.stdout) as { name: string }[]).map((c) => c.name), [`outbound|9080||${REVIEWS_HOST}`]);
  const diff = await run(['ps', `${pod}.istio-system`]);
  assert.deepEqual([diff.code, diff.stderr], [0, '']);
  assert.match(diff.stdout, /^Clusters Match\nListeners Match\nRoutes Match/);
  const eps = await run(['pc', 'ep', `${pod}.istio-system`, '--status', 'healthy']);
  assert.equal(eps.code, 0, eps.stderr);
  assert.match(eps.stdout, /^ENDPOINT\s+STATUS\s+OUTLIER CHECK\s+CLUSTER\n10\.0\.0\.5:9080\s+HEALTHY\s+OK\s+outbound\|9080\|\|reviews/m);
});

test('x route asks the running control plane, with the connected proxy\'s own metadata', async (t) => {
  const { cp, run } = await mesh(t);
  await connect(t, cp.xdsPort!, PRODUCTPAGE, (p, r) => p.ack(r));
  const res = await run(['x', 'route', '--from', 'productpage-v1-aaa', 'http://reviews:9080/reviews/0', '-o', 'json']);
  assert.equal(res.code, 0, res.stderr);
  const e = JSON.parse(res.stdout) as { proxy: { id: string }; listener: string; destinations: { cluster: string; endpoints: { address: string; pod: string }[] }[] };
  assert.equal(e.proxy.id, PRODUCTPAGE);
  assert.equal(e.listener, '0.0.0.0_9080');
  assert.deepEqual(e.destinations.map((d) => [d.cluster, d.endpoints.map((x) => `${x.address} ${x.pod}`)]), [[`outbound|9080||${REVIEWS_HOST}`, ['10.0.0.5:9080 reviews-v1-ccc']]]);
  const unknown = await run(['x', 'route', '--from', 'nope', 'http://reviews:9080/']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^error: unknown workload "nope" for --from/);
});
