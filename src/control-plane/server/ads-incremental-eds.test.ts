import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE_URL, unpackAny } from '../../xds/index.js';
import type { PushRequest } from '../model/push-builder.js';
import { AdsServer } from './ads-server.js';
import { EDS_PUSH, FULL_PUSH, FakeGenerator, type FakeSnapshot, TestProxy, cluster, endpoints, listener, names, route, sidecarId, snapshot } from './ads-test-kit.js';

const { CLUSTER: CDS, CLUSTER_LOAD_ASSIGNMENT: EDS, LISTENER: LDS, ROUTE_CONFIGURATION: RDS } = TYPE_URL;
const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';
const RATINGS = 'outbound|9080||ratings.default.svc.cluster.local';

/** An endpoints push that names the services it changed, as the push builder sends them. */
const incremental = (...hosts: string[]): PushRequest => ({ ...EDS_PUSH, edsServices: new Set(hosts) });

function mesh(version: string, reviewsIp = '10.0.0.12', ratingsIp = '10.0.0.20'): FakeSnapshot {
  return snapshot(version, {
    [CDS]: { [REVIEWS]: cluster(REVIEWS), [RATINGS]: cluster(RATINGS) },
    [EDS]: { [REVIEWS]: endpoints(REVIEWS, reviewsIp), [RATINGS]: endpoints(RATINGS, ratingsIp) },
    [LDS]: { '0.0.0.0_9080': listener('0.0.0.0_9080', '9080') },
    [RDS]: { '9080': route('9080', REVIEWS) },
  });
}

async function withSyncedProxy(run: (server: AdsServer<FakeSnapshot, string>, proxy: TestProxy) => Promise<void>): Promise<void> {
  const server = new AdsServer<FakeSnapshot, string>({ generator: new FakeGenerator(), port: 0, log: () => {} });
  const port = await server.start();
  const p = new TestProxy(port, sidecarId(1));
  try {
    server.push(mesh('v1'), FULL_PUSH);
    p.request({ type_url: CDS, withNode: true });
    p.ack(await p.next());
    p.request({ type_url: EDS, resource_names: [REVIEWS, RATINGS] });
    p.ack(await p.next());
    await run(server, p);
  } finally {
    p.close();
    await server.stop(500);
  }
}

const address = (packed: { value: Uint8Array; type_url: string }) => JSON.stringify(unpackAny(packed)).match(/"address":"([\d.]+)"/)?.[1];

test('an endpoints push that names its services sends only the assignments that changed', async () => {
  await withSyncedProxy(async (server, p) => {
    server.push(mesh('v2', '10.0.0.99'), incremental('reviews.default.svc.cluster.local'));
    const eds = await p.next();
    assert.equal(eds.type_url, EDS);
    assert.equal(eds.version_info, 'v2');
    assert.deepEqual(names(eds), [REVIEWS]);
    assert.equal(address(eds.resources[0]!), '10.0.0.99');
    p.ack(eds);

    // What the proxy now holds is the whole set, as config dumps show it.
    const id = server.connectedProxies()[0]!.connectionId;
    const sent = server.proxyResources(id, 'sent')!.types.find((t) => t.typeUrl === EDS)!;
    assert.deepEqual(sent.resources.map((r) => r.name), [REVIEWS, RATINGS]);
    assert.deepEqual(sent.resources.map((r) => address(r.resource)), ['10.0.0.99', '10.0.0.20']);

    // Nothing changed since: nothing is sent; the next response is the following change.
    server.push(mesh('v3', '10.0.0.99'), incremental('reviews.default.svc.cluster.local'));
    server.push(mesh('v4', '10.0.0.99', '10.0.0.21'), incremental('ratings.default.svc.cluster.local'));
    const next = await p.next();
    assert.equal(next.version_info, 'v4');
    assert.deepEqual(names(next), [RATINGS]);
    p.ack(next);
    assert.equal(p.pending(), 0);
  });
});

test('an endpoints push that does not name its services, and a full push, send every assignment', async () => {
  await withSyncedProxy(async (server, p) => {
    server.push(mesh('v2', '10.0.0.99'), EDS_PUSH);
    const eds = await p.next();
    assert.deepEqual(names(eds).sort(), [RATINGS, REVIEWS]);
    p.ack(eds);
    server.push(mesh('v3', '10.0.0.98'), FULL_PUSH);
    const full = await p.next();
    assert.equal(full.type_url, EDS);
    assert.deepEqual(names(full).sort(), [RATINGS, REVIEWS]);
  });
});

test('a proxy asking again gets the whole set, never a part', async () => {
  await withSyncedProxy(async (server, p) => {
    server.push(mesh('v2', '10.0.0.99'), incremental('reviews.default.svc.cluster.local'));
    const eds = await p.next();
    assert.deepEqual(names(eds), [REVIEWS]);
    // A subscription that only shrinks gets no response (Istio's rule for EDS and RDS): the next
    // response is the one for the name added back, and it is the whole set, not the addition.
    p.ack(eds, [RATINGS]);
    p.request({ type_url: EDS, resource_names: [REVIEWS, RATINGS], version_info: eds.version_info, response_nonce: eds.nonce });
    assert.deepEqual(names(await p.next()).sort(), [RATINGS, REVIEWS]);
  });
});
