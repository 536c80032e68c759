// VirtualService matches as gRPC's xDS client evaluates them (gRPC's xDS interop tests'
// path and header matching cases): the method path by exact, prefix and regex; request metadata by
// exact, prefix, suffix, presence, regex and inverted matches; and the virtual host chosen by the
// channel target, short names included.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startConformanceMesh, XdsClientProcess, type ConformanceMesh, type EchoChannel } from './conformance-mesh.js';
import { SERVICE_PORT, grpcService, toSubset, versionSubsets, virtualService } from './conformance-resources.js';
import { METHOD } from './echo-backend.js';

const client = new XdsClientProcess();
after(() => client.stop());

async function meshWithVersions(t: { after(fn: () => Promise<void>): void }, http: unknown[]): Promise<{ mesh: ConformanceMesh; channel: EchoChannel }> {
  const mesh = await startConformanceMesh(client);
  t.after(() => mesh.close());
  for (const v of ['v1', 'v2', 'v3']) await mesh.addBackend(`reviews-${v}`, { version: v });
  await mesh.apply([grpcService(), versionSubsets(['v1', 'v2', 'v3']), virtualService(http)]);
  return { mesh, channel: await mesh.channel() };
}

test('method paths route by exact path, regex and prefix, in rule order', async (t) => {
  const { mesh, channel } = await meshWithVersions(t, [
    { match: [{ uri: { exact: METHOD.ping } }], route: toSubset('v2') },
    { match: [{ uri: { regex: '/skiff\\.conformance\\.Admin/He.*' } }], route: toSubset('v2') },
    { match: [{ uri: { prefix: '/skiff.conformance.Admin/' } }], route: toSubset('v3') },
    { route: toSubset('v1') },
  ]);
  const backendFor = async (path: string) => {
    const r = await channel.call(path);
    assert.equal(r.method, path);
    return r.backend;
  };
  assert.equal(await backendFor(METHOD.ping), 'reviews-v2');
  // The regex rule comes before the prefix rule that also covers Health.
  assert.equal(await backendFor(METHOD.health), 'reviews-v2');
  assert.equal(await backendFor(METHOD.status), 'reviews-v3');
  assert.equal(await backendFor(METHOD.echo), 'reviews-v1');
  assert.deepEqual(mesh.nacks(), []);
});

test('request metadata routes by exact, prefix, suffix, presence, regex and inverted header matches', async (t) => {
  const { mesh, channel } = await meshWithVersions(t, [
    { match: [{ headers: { 'x-exact': { exact: 'gold' } } }], route: toSubset('v2') },
    { match: [{ headers: { 'x-prefix': { prefix: 'gold-' } } }], route: toSubset('v2') },
    // Istio's StringMatch has no suffix: users write a suffix match as a regex.
    { match: [{ headers: { 'x-suffix': { regex: '.*-gold' } } }], route: toSubset('v2') },
    { match: [{ headers: { 'x-present': {} } }], route: toSubset('v2') },
    { match: [{ headers: { 'x-regex': { regex: 'g[0-9]+' } } }], route: toSubset('v2') },
    { match: [{ headers: { 'x-case': { exact: 'invert' } }, withoutHeaders: { 'x-plan': { exact: 'bronze' } } }], route: toSubset('v3') },
    { route: toSubset('v1') },
  ]);
  const cases: [Record<string, string>, string][] = [
    [{ 'x-exact': 'gold' }, 'reviews-v2'], [{ 'x-exact': 'golden' }, 'reviews-v1'],
    [{ 'x-prefix': 'gold-1' }, 'reviews-v2'], [{ 'x-prefix': 'silver-gold' }, 'reviews-v1'],
    [{ 'x-suffix': 'plan-gold' }, 'reviews-v2'], [{ 'x-suffix': 'gold-plan' }, 'reviews-v1'],
    [{ 'x-present': 'anything' }, 'reviews-v2'], [{}, 'reviews-v1'],
    // gRPC, like Envoy, matches a regex against the whole value.
    [{ 'x-regex': 'g42' }, 'reviews-v2'], [{ 'x-regex': 'g42x' }, 'reviews-v1'],
    [{ 'x-case': 'invert', 'x-plan': 'silver' }, 'reviews-v3'], [{ 'x-case': 'invert' }, 'reviews-v3'], [{ 'x-case': 'invert', 'x-plan': 'bronze' }, 'reviews-v1'],
  ];
  for (const [metadata, expected] of cases) {
    const r = await channel.call(METHOD.echo, { metadata });
    assert.equal(r.backend, expected, `metadata ${JSON.stringify(metadata)}`);
    // The backend saw the metadata the route matched on.
    for (const [k, v] of Object.entries(metadata)) assert.equal(r.metadata[k], v);
  }
  assert.deepEqual(mesh.nacks(), []);
});

test('short targets (reviews, reviews.default, reviews.default.svc) resolve in the client\'s namespace to the same routes', async (t) => {
  const { mesh, channel: fqdn } = await meshWithVersions(t, [{ route: toSubset('v3') }]);
  assert.equal((await fqdn.call(METHOD.echo)).backend, 'reviews-v3');
  for (const host of ['reviews', 'reviews.default', 'reviews.default.svc']) {
    const channel = await mesh.channel(`xds:///${host}:${SERVICE_PORT}`);
    assert.equal((await channel.call(METHOD.echo)).backend, 'reviews-v3', host);
  }
  // Each channel watched the listener under the name it was given.
  const listeners = mesh.controlPlane.ads!.syncStatus().map((p) => p.xds.find((x) => x.type === 'LDS')!.subscribed);
  assert.deepEqual(listeners.flat().sort(), ['reviews.default.svc.cluster.local:9080', 'reviews.default.svc:9080', 'reviews.default:9080', 'reviews:9080']);
  assert.deepEqual(mesh.nacks(), []);
});
