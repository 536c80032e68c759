import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE_URL } from '../../xds/index.js';
import { AdsServer } from './ads-server.js';
import type { AdsLogLevel } from './ads-types.js';
import {
  EDS_PUSH, FULL_PUSH, FakeGenerator, type FakeSnapshot, TestProxy,
  cluster, endpoints, eventually, listener, names, route, sidecarId, snapshot,
} from './ads-test-kit.js';

const { CLUSTER: CDS, CLUSTER_LOAD_ASSIGNMENT: EDS, LISTENER: LDS, ROUTE_CONFIGURATION: RDS } = TYPE_URL;

const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';
const RATINGS = 'outbound|9080||ratings.default.svc.cluster.local';

function bookinfo(version: string, overrides: Partial<Record<string, Record<string, object>>> = {}): FakeSnapshot {
  return snapshot(version, {
    [CDS]: { [REVIEWS]: cluster(REVIEWS), [RATINGS]: cluster(RATINGS) },
    [EDS]: { [REVIEWS]: endpoints(REVIEWS, '10.0.0.12'), [RATINGS]: endpoints(RATINGS, '10.0.0.20') },
    [LDS]: { '0.0.0.0_9080': listener('0.0.0.0_9080', '9080') },
    [RDS]: { '9080': route('9080', REVIEWS) },
    ...(overrides as object),
  } as FakeSnapshot['resources']);
}

async function withServer(run: (ctx: { server: AdsServer<FakeSnapshot, string>; generator: FakeGenerator; port: number; logs: string[]; proxies: TestProxy[] }) => Promise<void>): Promise<void> {
  const generator = new FakeGenerator();
  const logs: string[] = [];
  const server = new AdsServer<FakeSnapshot, string>({ generator, port: 0, log: (level: AdsLogLevel, m: string) => { logs.push(`${level}: ${m}`); if (process.env.ADS_TEST_LOG) console.log(level, m); } });
  const port = await server.start();
  const proxies: TestProxy[] = [];
  try {
    await run({ server, generator, port, logs, proxies });
  } finally {
    for (const p of proxies) p.close();
    await server.stop(500);
  }
}

/** Subscribes to all four types the way Envoy does and ACKs each first response. */
async function syncedProxy(port: number, proxies: TestProxy[], id = sidecarId(1)): Promise<TestProxy> {
  const p = new TestProxy(port, id);
  proxies.push(p);
  p.request({ type_url: CDS, withNode: true });
  const cds = await p.next();
  p.ack(cds);
  p.request({ type_url: EDS, resource_names: [REVIEWS, RATINGS] });
  p.ack(await p.next());
  p.request({ type_url: LDS });
  p.ack(await p.next());
  p.request({ type_url: RDS, resource_names: ['9080'] });
  p.ack(await p.next());
  return p;
}

test('ACK, NACK and expired nonces: the last good version stays, NACKs are kept and counted', async () => {
  await withServer(async ({ server, port, proxies, logs }) => {
    server.push(bookinfo('v1'), FULL_PUSH);
    const p = new TestProxy(port, sidecarId(1));
    proxies.push(p);
    p.request({ type_url: CDS, withNode: true });
    const first = await p.next();
    assert.equal(first.type_url, CDS);
    assert.equal(first.version_info, 'v1');
    assert.deepStrictEqual(names(first).sort(), [RATINGS, REVIEWS]);
    assert.equal(server.syncStatus()[0]!.xds[0]!.state, 'STALE (Never Acknowledged)');
    p.ack(first);
    await eventually(() => server.syncStatus()[0]?.xds[0]?.state === 'SYNCED', 'CDS SYNCED');

    server.push(bookinfo('v2', { [CDS]: { [REVIEWS]: cluster(REVIEWS, '2s') } }), FULL_PUSH);
    const second = await p.next();
    assert.equal(second.version_info, 'v2');
    assert.notEqual(second.nonce, first.nonce);

    // an ACK carrying the old nonce is ignored: v2 is still unacknowledged
    p.ack(first);
    p.nack(second, 'v1', 'cluster outbound|9080||reviews: unsupported');
    await eventually(() => server.metrics().rejects['cds'] === 1, 'the reject to be counted');
    const cds = server.syncStatus()[0]!.xds.find((x) => x.type === 'CDS')!;
    assert.equal(cds.state, 'STALE');
    assert.equal(cds.nacked, true);
    assert.equal(cds.versionSent, 'v2');
    assert.equal(cds.versionAcked, 'v1');
    assert.equal(cds.nonceAcked, first.nonce);
    assert.equal(cds.lastNack?.message, 'cluster outbound|9080||reviews: unsupported');
    assert.equal(cds.lastNack?.versionInfo, 'v1');
    assert.ok(logs.some((l) => l.startsWith('warn: ADS:CDS: ACK ERROR') && l.includes('unsupported')));

    // a later good push is acknowledged and clears the NACK state
    server.push(bookinfo('v3', { [CDS]: { [REVIEWS]: cluster(REVIEWS, '3s') } }), FULL_PUSH);
    const third = await p.next();
    assert.equal(third.version_info, 'v3');
    p.ack(third);
    await eventually(() => server.syncStatus()[0]!.xds[0]!.state === 'SYNCED', 'v3 SYNCED');
    const after = server.syncStatus()[0]!.xds[0]!;
    assert.equal(after.versionAcked, 'v3');
    assert.equal(after.nacked, false);
    assert.equal(p.pending(), 0, 'the expired ACK and the NACK got no response');
  });
});

test('a full push goes out CDS → EDS → LDS → RDS whatever order the proxy subscribed in', async () => {
  await withServer(async ({ server, port, proxies }) => {
    const p = new TestProxy(port, sidecarId(1));
    proxies.push(p);
    // subscribe before the control plane has a push: nothing is sent yet
    p.request({ type_url: RDS, resource_names: ['9080'], withNode: true });
    p.request({ type_url: LDS });
    p.request({ type_url: EDS, resource_names: [REVIEWS] });
    p.request({ type_url: CDS });
    await eventually(() => server.syncStatus()[0]?.xds.filter((x) => x.subscribed !== null).length === 4, 'four watches');
    assert.equal(p.pending(), 0);
    server.push(bookinfo('v1'), FULL_PUSH);
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await p.next()).type_url);
    assert.deepStrictEqual(order, [CDS, EDS, LDS, RDS]);
  });
});

test('push only what changed: unchanged types are skipped, EDS-only pushes send only endpoints', async () => {
  await withServer(async ({ server, port, proxies }) => {
    server.push(bookinfo('v1'), FULL_PUSH);
    const p = await syncedProxy(port, proxies);

    // new version, same resources: nothing is sent; the RDS change below is the next response
    server.push(bookinfo('v2'), FULL_PUSH);
    server.push(bookinfo('v3', { [RDS]: { '9080': route('9080', RATINGS) } }), FULL_PUSH);
    const rds = await p.next();
    assert.equal(rds.type_url, RDS);
    assert.equal(rds.version_info, 'v3');
    p.ack(rds);

    // an endpoint push regenerates EDS only, even though clusters changed in the snapshot too
    const changed = {
      [CDS]: { [REVIEWS]: cluster(REVIEWS, '9s') },
      [EDS]: { [REVIEWS]: endpoints(REVIEWS, '10.0.0.99'), [RATINGS]: endpoints(RATINGS, '10.0.0.20') },
      [RDS]: { '9080': route('9080', RATINGS) },
    };
    server.push(bookinfo('v4', changed), EDS_PUSH);
    const eds = await p.next();
    assert.equal(eds.type_url, EDS);
    assert.deepStrictEqual(names(eds).sort(), [RATINGS, REVIEWS]);
    p.ack(eds);
    // the next full push carries the cluster change that the EDS push held back
    server.push(bookinfo('v5', changed), FULL_PUSH);
    const cds = await p.next();
    assert.equal(cds.type_url, CDS);
    p.ack(cds);
    // the convergence histogram saw the acknowledged pushes
    await eventually(() => server.metrics().convergence.count === 3, 'three convergence observations');
    assert.equal(p.pending(), 0);
  });
});

test('named subscriptions: only the requested resources, a response when names change, none for unsubscribing all', async () => {
  await withServer(async ({ server, port, proxies }) => {
    server.push(bookinfo('v1'), FULL_PUSH);
    const p = new TestProxy(port, sidecarId(1));
    proxies.push(p);
    p.request({ type_url: EDS, resource_names: [REVIEWS], withNode: true });
    const first = await p.next();
    assert.deepStrictEqual(names(first), [REVIEWS]);
    p.ack(first, [REVIEWS, RATINGS]);
    const second = await p.next();
    assert.deepStrictEqual(names(second).sort(), [RATINGS, REVIEWS]);
    p.ack(second, []);
    await eventually(() => JSON.stringify(server.syncStatus()[0]!.xds.find((x) => x.type === 'EDS')!.subscribed) === '[]', 'unsubscribed');
    // with no names subscribed a push sends no EDS; the CDS subscription is the next response
    server.push(bookinfo('v2', { [EDS]: { [REVIEWS]: endpoints(REVIEWS, '10.0.0.50') } }), FULL_PUSH);
    p.request({ type_url: CDS });
    assert.equal((await p.next()).type_url, CDS);
  });
});

test('reconnect: a new stream with the old nonce is answered, the old connection is dropped', async () => {
  await withServer(async ({ server, port, proxies }) => {
    server.push(bookinfo('v1'), FULL_PUSH);
    const first = new TestProxy(port, sidecarId(7));
    proxies.push(first);
    first.request({ type_url: CDS, withNode: true });
    const cds = await first.next();
    first.ack(cds);
    await eventually(() => server.syncStatus()[0]?.xds[0]?.state === 'SYNCED', 'first stream SYNCED');
    const firstConnection = server.syncStatus()[0]!.connectionId;
    first.close();
    await eventually(() => server.syncStatus().length === 0 && server.metrics().connected === 0, 'the closed stream to be dropped');

    const again = new TestProxy(port, sidecarId(7));
    proxies.push(again);
    again.request({ type_url: CDS, version_info: cds.version_info, response_nonce: cds.nonce, withNode: true });
    const resent = await again.next();
    assert.equal(resent.type_url, CDS);
    assert.deepStrictEqual(names(resent).sort(), [RATINGS, REVIEWS]);
    const status = server.syncStatus();
    assert.equal(status.length, 1);
    assert.notEqual(status[0]!.connectionId, firstConnection);
    assert.equal(status[0]!.xds[0]!.versionAcked, 'v1');
  });
});

test('bad first requests end the stream with INVALID_ARGUMENT', async () => {
  await withServer(async ({ port, proxies }) => {
    const noNode = new TestProxy(port, 'none');
    proxies.push(noNode);
    noNode.request({ type_url: CDS });
    const e1 = await noNode.failure();
    assert.equal(e1.code, 3);
    assert.match(e1.details, /must carry node\.id/);

    const badId = new TestProxy(port, 'envoy-1');
    proxies.push(badId);
    badId.request({ type_url: CDS, withNode: true });
    const e2 = await badId.failure();
    assert.equal(e2.code, 3);
    assert.match(e2.details, /invalid proxy node id "envoy-1"/);
  });
});

test('generator and encoding failures keep the previous config and show in sync status', async () => {
  await withServer(async ({ server, generator, port, proxies }) => {
    server.push(bookinfo('v1'), FULL_PUSH);
    const p = await syncedProxy(port, proxies);
    generator.failType = LDS;
    server.push(bookinfo('v2', {
      [LDS]: { x: listener('x', '9080') },
      [CDS]: { [REVIEWS]: { name: REVIEWS, connect_timeout: 'soon' } },
    }), FULL_PUSH);
    // neither CDS (bad resource) nor LDS (generator failure) goes out; RDS/EDS are unchanged
    server.push(bookinfo('v3', { [LDS]: {}, [CDS]: { [REVIEWS]: { name: REVIEWS, connect_timeout: 'soon' } }, [RDS]: { '9080': route('9080', RATINGS) } }), FULL_PUSH);
    const next = await p.next();
    assert.equal(next.type_url, RDS);
    const status = server.syncStatus()[0]!.xds;
    const cds = status.find((x) => x.type === 'CDS')!;
    assert.equal(cds.versionSent, 'v1');
    assert.match(cds.generateError ?? '', new RegExp(`resource "${REVIEWS.replace(/\|/g, '\\|')}": envoy\\.config\\.cluster\\.v3\\.Cluster connect_timeout: expected a duration`));
    assert.match(status.find((x) => x.type === 'LDS')!.generateError ?? '', /no generator for/);
  });
});

test('pushes that overlap merge per proxy: a full push is never lost to a later EDS push', async () => {
  await withServer(async ({ server, generator, port, proxies }) => {
    server.push(bookinfo('v1'), FULL_PUSH);
    const a = await syncedProxy(port, proxies, sidecarId(1));
    const b = await syncedProxy(port, proxies, sidecarId(2));
    // Each proxy now takes longer than a push slice, so the full push reaches one proxy, then
    // yields, and the EDS push arrives while the other proxy still waits for the full one.
    generator.busyMs = 30;
    server.push(bookinfo('v2', { [CDS]: { [REVIEWS]: cluster(REVIEWS, '4s') } }), FULL_PUSH);
    assert.equal(server.pushInProgress(), true);
    server.push(bookinfo('v3', { [CDS]: { [REVIEWS]: cluster(REVIEWS, '4s') }, [EDS]: { [REVIEWS]: endpoints(REVIEWS, '10.0.0.77') } }), EDS_PUSH);
    for (const p of [a, b]) {
      const first = await p.next();
      const second = await p.next();
      assert.deepStrictEqual([first.type_url, second.type_url], [CDS, EDS], p.nodeId);
      assert.equal(second.version_info, 'v3');
    }
  });
});

test('50 proxies: each converges, one proxy state per proxy per push, metrics and sync status for all', async () => {
  await withServer(async ({ server, generator, port, proxies }) => {
    server.push(bookinfo('v1'), FULL_PUSH);
    const count = 50;
    const clients = Array.from({ length: count }, (_, i) => {
      const p = new TestProxy(port, sidecarId(i + 1));
      proxies.push(p);
      return p;
    });
    await Promise.all(clients.map(async (p) => {
      p.request({ type_url: CDS, withNode: true });
      p.ack(await p.next());
      p.request({ type_url: LDS });
      p.ack(await p.next());
    }));
    await eventually(() => server.syncStatus().every((s) => s.xds[0]!.state === 'SYNCED' && s.xds[1]!.state === 'SYNCED') && server.syncStatus().length === count, 'all SYNCED');
    assert.equal(server.metrics().connected, count);

    const before = generator.proxyStateCalls;
    server.push(bookinfo('v2', { [CDS]: { [REVIEWS]: cluster(REVIEWS, '5s') }, [LDS]: { '0.0.0.0_9081': listener('0.0.0.0_9081', '9081') } }), FULL_PUSH);
    await Promise.all(clients.map(async (p) => {
      const cds = await p.next();
      assert.equal(cds.type_url, CDS);
      const lds = await p.next();
      assert.equal(lds.type_url, LDS);
      p.ack(cds);
      p.ack(lds);
    }));
    assert.equal(server.pushInProgress(), false);
    assert.equal(generator.proxyStateCalls - before, count, 'proxy state computed once per proxy for the push');
    await eventually(() => server.syncStatus().every((s) => s.xds[0]!.versionAcked === 'v2' && s.xds[1]!.versionAcked === 'v2'), 'all acked v2');
    const m = server.metrics();
    assert.equal(m.pushes['cds'], count * 2);
    assert.equal(m.pushes['lds'], count * 2);
    assert.equal(m.convergence.count, count);
    const text = server.formatPrometheus();
    assert.match(text, /^pilot_xds_pushes\{type="cds"\} 100$/m);
    assert.match(text, /^pilot_xds 50$/m);
    assert.match(text, /^pilot_proxy_convergence_time_count 50$/m);
  });
});

/** Hands every proxy the same list per push and type, as the real generator's XdsCache does. */
class SharingGenerator extends FakeGenerator {
  private readonly lists = new Map<string, ReturnType<FakeGenerator['generate']>>();
  override generate(input: Parameters<FakeGenerator['generate']>[0]): ReturnType<FakeGenerator['generate']> {
    const key = `${input.push.version}|${input.typeUrl}`;
    let list = this.lists.get(key);
    if (!list) {
      list = super.generate(input);
      this.lists.set(key, list);
    }
    return list;
  }
}

test('proxies sent the same resources in a push get one shared response: same nonce, same bytes, each ACK counted', async () => {
  const generator = new SharingGenerator();
  const server = new AdsServer<FakeSnapshot, string>({ generator, port: 0, log: () => {} });
  const port = await server.start();
  const proxies: TestProxy[] = [];
  try {
    server.push(bookinfo('v1'), FULL_PUSH);
    const a = await syncedProxy(port, proxies, sidecarId(1));
    const b = await syncedProxy(port, proxies, sidecarId(2));
    server.push(bookinfo('v2', { [RDS]: { '9080': route('9080', RATINGS) } }), FULL_PUSH);
    const [ra, rb] = await Promise.all([a.next(), b.next()]);
    assert.deepEqual([ra.type_url, rb.type_url], [RDS, RDS]);
    assert.equal(ra.nonce, rb.nonce);
    assert.deepEqual(Buffer.from(ra.resources[0]!.value), Buffer.from(rb.resources[0]!.value));
    a.ack(ra);
    b.ack(rb);
    await eventually(() => server.syncStatus().every((s) => s.xds.every((x) => x.state === 'SYNCED')), 'both proxies SYNCED on v2');
    // The next push's response is a new one, with a new nonce.
    server.push(bookinfo('v3', { [RDS]: { '9080': route('9080', REVIEWS) } }), FULL_PUSH);
    const next = await a.next();
    assert.equal(next.version_info, 'v3');
    assert.notEqual(next.nonce, ra.nonce);
  } finally {
    for (const p of proxies) p.close();
    await server.stop(500);
  }
});
