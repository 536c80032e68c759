import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../config/resource.js';
import { PushContext } from './push-context.js';
import { serviceEntryEndpointsOnly, servicesOfWorkloads } from './push-scope.js';

const entry = (spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Resource => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name: 'db', namespace: 'default', resourceVersion: '1', ...metadata },
  spec: {
    hosts: ['db.example.internal', 'db2.example.internal'],
    ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }],
    resolution: 'STATIC',
    endpoints: [{ address: '10.1.0.1', labels: { version: 'v1' } }, { address: '10.1.0.2' }],
    ...spec,
  },
});

describe('serviceEntryEndpointsOnly', () => {
  it('names the hosts when only endpoint addresses, labels or weights moved', () => {
    const moved = entry({ endpoints: [{ address: '10.1.0.9', labels: { version: 'v2' }, weight: 3 }, { address: '10.1.0.2' }] }, { resourceVersion: '2' });
    assert.deepEqual(serviceEntryEndpointsOnly(entry(), moved), ['db.example.internal', 'db2.example.internal']);
  });

  it('takes spec key order as irrelevant', () => {
    const r = entry();
    const reordered: Resource = { ...r, spec: Object.fromEntries(Object.entries(r.spec as object).reverse()) };
    assert.ok(serviceEntryEndpointsOnly(r, reordered));
  });

  const others: [string, Resource][] = [
    ['a port', entry({ ports: [{ number: 5433, name: 'tcp', protocol: 'TCP' }] })],
    ['the hosts', entry({ hosts: ['db.example.internal'] })],
    ['the number of endpoints', entry({ endpoints: [{ address: '10.1.0.1', labels: { version: 'v1' } }] })],
    ['the resolution', entry({ resolution: 'DNS' })],
    ['exportTo', entry({ exportTo: ['.'] })],
    ['the labels', entry({}, { labels: { team: 'a' } })],
  ];
  for (const [what, changed] of others) {
    it(`is undefined when ${what} changed`, () => {
      assert.equal(serviceEntryEndpointsOnly(entry(), changed), undefined);
    });
  }

  it('is undefined for DNS entries, whose endpoints are in CDS', () => {
    const dns = entry({ resolution: 'DNS' });
    assert.equal(serviceEntryEndpointsOnly(dns, entry({ resolution: 'DNS', endpoints: [{ address: '10.9.9.9' }, { address: '10.1.0.2' }] })), undefined);
  });
});

describe('servicesOfWorkloads', () => {
  it('finds the services a workload is an endpoint of', () => {
    const svc = (name: string, app: string): Resource => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app }, ports: [{ name: 'http', port: 9080 }] } });
    const push = PushContext.build({
      configs: [svc('reviews', 'reviews'), svc('ratings', 'ratings')],
      workloads: [
        { name: 'reviews-1', namespace: 'default', address: '10.0.0.1', ports: [{ port: 9080 }], labels: { app: 'reviews' }, healthy: true },
        { name: 'ratings-1', namespace: 'default', address: '10.0.0.2', ports: [{ port: 9080 }], labels: { app: 'ratings' }, healthy: false },
      ],
    });
    assert.deepEqual([...servicesOfWorkloads(push, new Set(['default/ratings-1']))], ['ratings.default.svc.cluster.local']);
    assert.deepEqual([...servicesOfWorkloads(push, new Set(['default/gone']))], []);
  });
});
