// Istio's circuit-breaking task (fortio against a DestinationRule with one connection and one
// pending request), the load balancers of a DestinationRule over three replicas, consistent hashing
// by cookie, and the runtime bringing back a killed app or sidecar process.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../src/config/resource.js';
import { assertListenersBound, runtimeStatus, startMeshHarness, until, type MeshHarness } from '../testkit/mesh-harness.js';
import { pageReviews, tally } from '../testkit/mesh-http.js';

let h: MeshHarness;
before(async () => {
  h = await startMeshHarness({ extraFiles: ['test/e2e/manifests/fortio.yaml'], extraPods: 2 });
}, { timeout: 240_000 });
after(async () => { await h?.stop(); });

/** `skiff exec deploy/fortio -- ARGS…`: a command run in the fortio client pod, through its sidecar. */
async function inFortio(args: string[]): Promise<string> {
  const r = await h.skiff(['exec', 'deploy/fortio', '--', ...args]);
  assert.equal(r.code, 0, `${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** fortio's `Code NNN : COUNT (P %)` lines. */
function codes(report: string): Record<string, number> {
  return Object.fromEntries([...report.matchAll(/^Code (-?\d+) : (\d+) \(/gm)].map((m) => [m[1]!, Number(m[2])]));
}

function fortioPod(): Resource {
  const [pod] = h.podsOf('fortio');
  assert.ok(pod, 'the fortio pod exists');
  return pod;
}

describe('circuit breaking', { timeout: 300_000 }, () => {
  before(async () => { await h.apply(['test/e2e/manifests/destination-rule-fortio-server-circuit-breaker.yaml']); });

  test('one connection at a time: 20 calls, all 200', async () => {
    const report = await inFortio(['skiff', 'load', '-c', '1', '-qps', '0', '-n', '20', '-loglevel', 'Warning', 'http://fortio-server:8080/get']);
    assert.deepEqual(codes(report), { 200: 20 }, report);
  });

  test('three connections: calls beyond one active and one pending get 503 with response flag UO', async () => {
    // Each call holds the only connection for 200 ms, so the third concurrent call always overflows.
    const report = await inFortio(['skiff', 'load', '-c', '3', '-qps', '0', '-n', '30', '-loglevel', 'Warning', 'http://fortio-server:8080/get?delay=200ms']);
    const seen = codes(report);
    assert.deepEqual(Object.keys(seen).sort(), ['200', '503'], report);
    assert.equal(seen[200]! + seen[503]!, 30);
    assert.ok(seen[503]! >= 1 && seen[200]! >= 1, report);
    const stats = (await h.sidecarAdmin(fortioPod(), '/stats/prometheus')).body;
    const overflowed = stats.split('\n').filter((l) => l.startsWith('istio_requests_total{') && l.includes('response_code="503"') && l.includes('response_flags="UO"') && l.includes('destination_service="fortio-server.default.svc.cluster.local"'));
    assert.equal(overflowed.length, 1, `istio_requests_total with response_flags="UO" on the client sidecar:\n${stats.split('\n').filter((l) => l.startsWith('istio_requests_total{')).join('\n')}`);
    assert.equal(Number(overflowed[0]!.split(' ').pop()), seen[503], 'every 503 is an overflow');
    // What the task reads with `pilot-agent request GET stats | grep fortio | grep pending`.
    const envoyStats = (await h.sidecarAdmin(fortioPod(), '/stats')).body;
    const pendingOverflow = /^cluster\.outbound\|8080\|\|fortio-server\.default\.svc\.cluster\.local\.upstream_rq_pending_overflow: (\d+)$/m.exec(envoyStats);
    assert.equal(Number(pendingOverflow?.[1]), seen[503], `upstream_rq_pending_overflow in:\n${envoyStats.split('\n').filter((l) => l.includes('fortio-server') && l.includes('pending')).join('\n')}`);
  });

  test('overflow is not an upstream failure: the host is not ejected and calls succeed again', async () => {
    const report = await inFortio(['skiff', 'load', '-c', '1', '-qps', '0', '-n', '5', '-loglevel', 'Warning', 'http://fortio-server:8080/get']);
    assert.deepEqual(codes(report), { 200: 5 }, report);
  });
});

/** The pod names reviews reported for `n` calls made by curl in the fortio pod. */
async function reviewsPods(n: number, headers: string[] = []): Promise<string[]> {
  const urls = Array.from({ length: n }, () => 'http://reviews:9080/reviews/0');
  const out = await inFortio(['curl', '-sS', ...headers.flatMap((x) => ['-H', x]), ...urls]);
  const pods = [...out.matchAll(/"podname":"([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(pods.length, n, `every call answered by reviews: ${out.slice(0, 300)}`);
  return pods;
}

function reviewsRule(trafficPolicy: string): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  trafficPolicy:
${trafficPolicy.replace(/^/gm, '    ')}
  subsets:
  - name: v1
    labels:
      version: v1
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
`;
}

describe('load balancing over three replicas', { timeout: 300_000 }, () => {
  let replicas: string[];
  before(async () => {
    const since = h.pushVersion();
    const scaled = await h.skiff(['scale', 'deploy/reviews-v1', '--replicas=3']);
    assert.equal(scaled.code, 0, scaled.stderr);
    replicas = (await h.readyPods('reviews-v1', 3)).map((p) => p.metadata.name).sort();
    await h.applyYaml(reviewsRule('loadBalancer:\n  simple: ROUND_ROBIN'));
    await h.waitForConfig(since);
    // The client's sidecar knows all three endpoints before any count starts.
    await until('three healthy reviews-v1 endpoints in the fortio sidecar', async () => {
      const clusters = (await h.sidecarAdmin(fortioPod(), '/clusters')).body;
      return clusters.split('\n').filter((l) => l.startsWith('outbound|9080|v1|reviews.default.svc.cluster.local::') && l.endsWith('::health_flags::healthy')).length === 3;
    });
  });

  test('ROUND_ROBIN: each replica gets an even share (within one call of n/3)', async () => {
    const seen = tally(await reviewsPods(60));
    assert.deepEqual(Object.keys(seen).sort(), replicas, JSON.stringify(seen));
    // Round robin over a fixed set of three hosts from one client is exact: 20 each, give or take the rotation's start.
    for (const [pod, count] of Object.entries(seen)) assert.ok(Math.abs(count - 20) <= 1, `${pod} got ${count} of 60: ${JSON.stringify(seen)}`);
  });

  for (const policy of ['RANDOM', 'LEAST_REQUEST']) {
    test(`${policy}: every replica receives traffic`, async () => {
      await h.applyYaml(reviewsRule(`loadBalancer:\n  simple: ${policy}`));
      // A replica left out of 60 independent picks at 1/3 has odds 3·(2/3)^60 ≈ 1e-10.
      const seen = tally(await reviewsPods(60));
      assert.deepEqual(Object.keys(seen).sort(), replicas, JSON.stringify(seen));
    });
  }

  test('consistent hash on a cookie: one user sticks to one replica, users spread over several', async () => {
    await h.applyYaml(reviewsRule('loadBalancer:\n  consistentHash:\n    httpCookie:\n      name: user\n      ttl: 0s'));
    const alice = tally(await reviewsPods(20, ['Cookie: user=alice']));
    assert.equal(Object.keys(alice).length, 1, `alice was served by ${JSON.stringify(alice)}`);
    // 15 users all hashing to one of three replicas would have odds 3·(1/3)^15 ≈ 2e-7.
    const users = await Promise.all(Array.from({ length: 15 }, async (_, i) => (await reviewsPods(1, [`Cookie: user=user${i}`]))[0]));
    assert.ok(new Set(users).size >= 2, `15 users all on ${users[0]}`);
  });
});

describe('the runtime restarts killed processes', { timeout: 300_000 }, () => {
  before(async () => {
    await h.deleteConfig('virtualservice', 'reviews');
    await h.deleteConfig('destinationrule', 'reviews');
  });

  /** Kills one container's process of a deployment's pod and waits for the runtime to restart it. */
  async function killAndWait(deployment: string, container: string): Promise<Resource> {
    const [pod] = h.podsOf(deployment);
    assert.ok(pod, `a ${deployment} pod`);
    const pid = runtimeStatus(pod).pids?.[container];
    assert.ok(pid, `${container}'s pid in the pod status: ${JSON.stringify(runtimeStatus(pod).pids)}`);
    process.kill(pid, 'SIGKILL');
    let last = '';
    try {
      return await until(`${container} of ${pod.metadata.name} restarted and ready`, () => {
        const now = h.podsOf(deployment).find((p) => p.metadata.name === pod.metadata.name);
        const status = (now as { status?: { containerStatuses?: { name: string; ready: boolean; restartCount: number }[] } } | undefined)?.status;
        last = JSON.stringify({ containers: status?.containerStatuses, pids: now ? runtimeStatus(now).pids : undefined });
        const c = status?.containerStatuses?.find((s) => s.name === container);
        const newPid = now ? runtimeStatus(now).pids?.[container] : undefined;
        return c?.restartCount === 1 && status!.containerStatuses!.every((s) => s.ready) && newPid !== undefined && newPid !== pid ? now : undefined;
      }, 60_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}; last seen ${last}\n${(await h.listenerErrors()).join('\n')}`);
    }
  }

  async function podRow(name: string): Promise<string> {
    const r = await h.skiff(['get', 'pods']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
  }

  test('killing the details app: restarted, RESTARTS 1, the page shows details again', async () => {
    const pod = await killAndWait('details-v1', 'details');
    await assertListenersBound(h);
    assert.match(await podRow(pod.metadata.name), /\s2\/2\s+Running\s+1\s/);
    await until('the product page with its details', async () => {
      const page = await h.gatewayGet('/productpage');
      return page.status === 200 && page.body.includes('Book Details') && !page.body.includes('Error fetching product details');
    }, 30_000);
  });

  test('killing productpage\'s sidecar: restarted, RESTARTS 1, the page answers again with reviews', async () => {
    const pod = await killAndWait('productpage-v1', 'istio-proxy');
    await assertListenersBound(h);
    assert.match(await podRow(pod.metadata.name), /\s2\/2\s+Running\s+1\s/);
    await h.waitForConfig();
    const page = await until('the product page through the restarted sidecar', async () => {
      const r = await h.gatewayGet('/productpage').catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, 30_000);
    assert.ok(pageReviews(page.body).version, 'reviews answered through the new sidecar');
  });
});
