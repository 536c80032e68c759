// Consistent hashing end to end: a RING_HASH cluster with a header hash policy keeps each user on
// one endpoint; a cookie policy with a ttl sets the cookie when the client has none.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { httpGet, startTestProxy, type TestProxy } from '../../src/proxy/testing/harness.js';
import { hcm, httpListener, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream, type TestUpstream } from '../../src/proxy/testing/upstream-server.js';

let ups: TestUpstream[];
let proxy: TestProxy;
let port: number;

before(async () => {
  ups = await Promise.all(['a', 'b', 'c'].map((n) => startUpstream(n)));
  proxy = await startTestProxy({
    clusters: [
      staticCluster('ring', ups.map((u) => u.port), { lb_policy: 'RING_HASH', ring_hash_lb_config: { minimum_ring_size: 1024 } }),
      staticCluster('maglev', ups.map((u) => u.port), { lb_policy: 'MAGLEV' }),
    ],
    routes: [
      routeConfig('r', [
        virtualHost('v', ['*'], [
          { match: { prefix: '/ring' }, route: { cluster: 'ring', hash_policy: [{ header: { header_name: 'x-user' } }] } },
          { match: { prefix: '/cookie' }, route: { cluster: 'maglev', hash_policy: [{ cookie: { name: 'session', ttl: '60s', path: '/' } }] } },
        ]),
      ]),
    ],
    listeners: [httpListener('l', 0, hcm({ rds: 'r' }))],
  });
  port = proxy.port('l');
});

after(async () => {
  await proxy.stop();
  await Promise.all(ups.map((u) => u.close()));
});

test('RING_HASH on a header keeps each user on one endpoint and spreads users', async () => {
  const seen = new Set<string>();
  for (let user = 0; user < 12; user++) {
    const first = (await httpGet(port, '/ring', { headers: { 'x-user': `user-${user}` } })).json().upstream as string;
    seen.add(first);
    for (let i = 0; i < 3; i++) assert.equal((await httpGet(port, '/ring', { headers: { 'x-user': `user-${user}` } })).json().upstream, first);
  }
  assert.ok(seen.size >= 2, `12 users all landed on ${[...seen]}`);
});

test('a cookie hash policy with a ttl generates the cookie, and the cookie pins the endpoint', async () => {
  const first = await httpGet(port, '/cookie');
  const setCookie = String(first.headers['set-cookie']);
  assert.match(setCookie, /^session="[0-9a-f]+"; Max-Age=60; Path=\/; HttpOnly$/);
  const value = /session="([^"]+)"/.exec(setCookie)![1];
  const upstream = first.json().upstream;
  for (let i = 0; i < 4; i++) {
    const res = await httpGet(port, '/cookie', { headers: { cookie: `session="${value}"` } });
    assert.equal(res.json().upstream, upstream);
    assert.equal(res.headers['set-cookie'], undefined);
  }
});
