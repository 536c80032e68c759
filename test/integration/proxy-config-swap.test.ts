// Atomic configuration swaps under load: keep-alive clients send requests through a gateway proxy
// without pause while its configuration is replaced 50 times (route targets, weighted clusters,
// EDS endpoint sets, cluster settings, the listener). No request may fail, and each response must come from a
// destination that a configuration in force during that request allowed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'undici';
import type { ProxyResources } from '../../src/proxy/config-source.js';
import { startTestProxy, type TestProxy } from '../../src/proxy/testing/harness.js';
import { edsCluster, hcm, httpListener, loadAssignment, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream, type TestUpstream } from '../../src/proxy/testing/upstream-server.js';

const PUSHES = 50;
const CLIENTS = 3;
const PUSH_INTERVAL_MS = 100;

const upstreams = new Map<string, TestUpstream>();
let proxy: TestProxy;
let port: number;

/** What one configuration version allows: the clusters its route may pick, and each cluster's endpoints. */
interface Allowed {
  routeClusters: string[];
  endpoints: Record<string, string[]>;
}

/**
 * Configuration `v`, cycling through three shapes: one cluster; a 50/50 weighted split; an EDS
 * cluster alone. The EDS endpoint set and svc-a's settings change on every push too, so clusters
 * are recompiled and endpoints come and go while requests are in flight.
 */
function configuration(v: number): { resources: ProxyResources; allowed: Allowed } {
  const edsSets = [['c', 'd'], ['d'], ['c']];
  const eds = edsSets[v % 3]!;
  const shape = v % 3;
  const routeClusters = shape === 0 ? ['svc-a'] : shape === 1 ? ['svc-b', 'svc-eds'] : ['svc-eds'];
  const action =
    shape === 1
      ? { weighted_clusters: { clusters: [{ name: 'svc-b', weight: 50 }, { name: 'svc-eds', weight: 50 }] } }
      : { cluster: routeClusters[0] };
  const resources: ProxyResources = {
    clusters: [
      staticCluster('svc-a', [upstreams.get('a')!.port], { connect_timeout: v % 2 === 0 ? '1s' : '2s', lb_policy: v % 2 === 0 ? 'ROUND_ROBIN' : 'LEAST_REQUEST' }),
      staticCluster('svc-b', [upstreams.get('b')!.port]),
      edsCluster('svc-eds'),
    ],
    // The listener changes on every push too: its connections drain to the new one (Envoy serves a
    // request that arrives on a draining connection, with Connection: close, then the client reconnects).
    listeners: [httpListener('0.0.0.0_8080', 0, hcm({ rds: 'http.8080' }, { server_name: `skiff-v${v}` }))],
    endpoints: [loadAssignment('svc-eds', eds.map((name) => upstreams.get(name)!.port))],
    routes: [
      routeConfig('http.8080', [
        virtualHost('svc', ['*'], [
          { name: `v${v}`, match: { prefix: '/' }, route: { ...action, timeout: '5s' }, request_headers_to_add: [{ header: { key: 'x-config-version', value: String(v) }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }] },
        ]),
      ]),
    ],
  };
  return { resources, allowed: { routeClusters, endpoints: { 'svc-a': ['a'], 'svc-b': ['b'], 'svc-eds': eds } } };
}

const allowed: Allowed[] = [];

before(async () => {
  for (const name of ['a', 'b', 'c', 'd']) upstreams.set(name, await startUpstream(name));
  const first = configuration(0);
  allowed.push(first.allowed);
  proxy = await startTestProxy(first.resources);
  port = proxy.port('0.0.0.0_8080');
});

after(async () => {
  await proxy?.stop();
  for (const u of upstreams.values()) await u.close();
});

interface Observation {
  /** The newest version fully applied when the request was sent. */
  appliedAtSend: number;
  /** The newest version whose push had begun when the response ended. */
  pushedAtEnd: number;
  routedBy: number;
  upstream: string;
  client: number;
  /** The server header: which listener generation answered (server_name names the push). */
  server: string;
}

test(`${PUSHES} configuration pushes under load: no request fails, every response comes from a destination then allowed`, async () => {
  let applied = 0;
  let pushing = 0;
  let loadRunning = true;
  const observations: Observation[] = [];
  const failures: string[] = [];

  const clientLoop = async (id: number) => {
    const client = new Client(`http://127.0.0.1:${port}`, { keepAliveTimeout: 30_000 });
    let n = 0;
    try {
      while (loadRunning) {
        n++;
        const appliedAtSend = applied;
        // Every third request carries a body, so bodies stream across swaps too.
        const post = n % 3 === 0;
        try {
          const res = await client.request({
            path: `/load/${id}/${n}`,
            method: post ? 'POST' : 'GET',
            headers: { host: 'svc.example.com', ...(post ? { 'content-type': 'text/plain' } : {}) },
            body: post ? `payload ${id}/${n}` : undefined,
          });
          const text = await res.body.text();
          const pushedAtEnd = pushing;
          if (res.statusCode !== 200) {
            failures.push(`${id}/${n}: ${res.statusCode} ${text.slice(0, 200)}`);
            continue;
          }
          const seen = JSON.parse(text) as { upstream: string; headers: Record<string, string>; body: string };
          if (post && seen.body !== `payload ${id}/${n}`) failures.push(`${id}/${n}: body arrived as ${JSON.stringify(seen.body)}`);
          observations.push({ appliedAtSend, pushedAtEnd, routedBy: Number(seen.headers['x-config-version']), upstream: seen.upstream, client: id, server: String(res.headers.server) });
        } catch (err) {
          failures.push(`${id}/${n}: ${(err as Error).message}`);
        }
      }
    } finally {
      await client.close();
    }
  };

  const load = Array.from({ length: CLIENTS }, (_, i) => clientLoop(i));
  for (let v = 1; v <= PUSHES; v++) {
    await new Promise((r) => setTimeout(r, PUSH_INTERVAL_MS));
    const next = configuration(v);
    allowed.push(next.allowed);
    pushing = v;
    const errors = await proxy.source.update(next.resources);
    assert.deepEqual(errors, [], `configuration ${v} is valid`);
    applied = v;
  }
  // Let requests run on the last configuration for a moment, then stop the load.
  await new Promise((r) => setTimeout(r, 200));
  loadRunning = false;
  await Promise.all(load);

  assert.deepEqual(failures, [], 'no request fails while the configuration changes');
  assert.ok(observations.length >= PUSHES * 2, `the load kept running through the pushes (${observations.length} requests)`);

  const violations: string[] = [];
  for (const o of observations) {
    // The route in force when the request was handled: never older than what was applied before
    // it was sent, never newer than what had been pushed when it finished.
    if (!(o.routedBy >= o.appliedAtSend && o.routedBy <= o.pushedAtEnd)) {
      violations.push(`routed by version ${o.routedBy}, outside [${o.appliedAtSend}, ${o.pushedAtEnd}]`);
      continue;
    }
    // The endpoint: one of the clusters that route names, with endpoints of that version or a newer
    // one pushed before the response ended (clusters apply before routes, so never older).
    const ok = allowed[o.routedBy]!.routeClusters.some((cluster) => {
      for (let k = o.routedBy; k <= o.pushedAtEnd; k++) if (allowed[k]!.endpoints[cluster]!.includes(o.upstream)) return true;
      return false;
    });
    if (!ok) violations.push(`routed by version ${o.routedBy} to clusters ${allowed[o.routedBy]!.routeClusters.join('/')}, answered by ${o.upstream}`);
  }
  assert.deepEqual(violations.slice(0, 10), [], `${violations.length} responses came from a destination no configuration in force allowed`);

  // Keep-alive connections opened under an old listener moved to the last one: each client's last
  // response came from it.
  for (let id = 0; id < CLIENTS; id++) {
    const last = observations.filter((o) => o.client === id).at(-1);
    assert.equal(last?.server, `skiff-v${PUSHES}`, `client ${id} ends on the last listener`);
  }

  // Every shape of configuration served traffic, so the assertions above were exercised.
  const versionsSeen = new Set(observations.map((o) => o.routedBy));
  assert.ok(versionsSeen.size >= PUSHES / 2, `requests were routed by ${versionsSeen.size} different versions`);
  for (const name of ['a', 'b', 'c', 'd']) assert.ok(observations.some((o) => o.upstream === name), `upstream ${name} answered some requests`);
});
