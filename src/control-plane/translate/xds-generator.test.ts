import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { XdsGenerator } from '../server/ads-types.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { encodeResource } from '../../xds/codec.js';
import type { Resource } from '../../config/resource.js';
import { PushContext } from '../model/push-context.js';
import { PilotXdsGenerator, type PilotProxyState } from './xds-generator.js';

const service: Resource = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'default' }, spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] } };
const vs: Resource = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'default' }, spec: { hosts: ['reviews'], http: [{ match: [{ sourceLabels: { app: 'tester' } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] }, { route: [{ destination: { host: 'reviews' } }] }] } };
const push = PushContext.build({ configs: [service, vs], workloads: [{ name: 'reviews-1', namespace: 'default', address: '10.0.0.1', ports: [{ port: 9080 }], labels: { app: 'reviews' }, healthy: true }] });
const node = { nodeId: 'sidecar~10.0.0.7~tester-1.default~default.svc.cluster.local', metadata: { LABELS: { app: 'tester' }, HTTP_PROXY_PORT: '15080', INTERCEPTION_MODE: 'NONE' } };

describe('PilotXdsGenerator', () => {
  // The ADS server's interface is satisfied as is.
  const generator: XdsGenerator<PushContext, PilotProxyState> = new PilotXdsGenerator();

  it('reads labels, the HTTP proxy port and interception mode from node metadata', () => {
    const state = generator.proxyState(node as never, push);
    assert.deepEqual(state.proxy.labels, { app: 'tester' });
    const { httpProxyPort, interceptionMode, bindAddress, portMap } = state.proxy.metadata;
    assert.deepEqual({ httpProxyPort, interceptionMode, bindAddress, portMap }, { httpProxyPort: 15080, interceptionMode: 'NONE', bindAddress: undefined, portMap: undefined });
  });

  it('answers every xDS type with encodable, named resources', () => {
    const state = generator.proxyState(node as never, push);
    for (const typeUrl of [TYPE_URL.CLUSTER, TYPE_URL.LISTENER, TYPE_URL.ROUTE_CONFIGURATION, TYPE_URL.CLUSTER_LOAD_ASSIGNMENT]) {
      const out = generator.generate({ proxy: node as never, state, typeUrl, resourceNames: '*', push, trigger: { kind: 'request' } });
      assert.ok(out.length > 0, typeUrl);
      for (const r of out) assert.doesNotThrow(() => encodeResource(typeUrl, r.resource), `${typeUrl} ${r.name}`);
    }
    const listeners = generator.generate({ proxy: node as never, state, typeUrl: TYPE_URL.LISTENER, resourceNames: '*', push, trigger: { kind: 'request' } });
    assert.ok(listeners.some((l) => l.name === '127.0.0.1_15080'));
    assert.ok(!listeners.some((l) => l.name === 'virtualOutbound'));
  });

  it('generates the route configurations asked for, with label-guarded rules for this proxy', () => {
    const state = generator.proxyState(node as never, push);
    const [rc] = generator.generate({ proxy: node as never, state, typeUrl: TYPE_URL.ROUTE_CONFIGURATION, resourceNames: ['9080'], push, trigger: { kind: 'request' } });
    assert.equal(rc!.name, '9080');
    assert.match(JSON.stringify(rc!.resource), /outbound\|9080\|v2\|reviews/);
  });

  it('refuses types it does not serve with a clear error', () => {
    const state = generator.proxyState(node as never, push);
    assert.throws(() => generator.generate({ proxy: node as never, state, typeUrl: TYPE_URL.SECRET, resourceNames: '*', push, trigger: { kind: 'request' } }), /does not generate type\.googleapis\.com\/envoy\.extensions\.transport_sockets\.tls\.v3\.Secret/);
  });
});
