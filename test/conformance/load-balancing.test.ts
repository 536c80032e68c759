// gRPC's xDS client against Skiff's control plane, as gRPC's xDS interop tests check load
// balancing: every backend is reached, round robin spreads evenly, and a VirtualService's 20/80
// weighted split holds over 1000 RPCs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { countByBackend, shareTolerance, startConformanceMesh, XdsClientProcess } from './conformance-mesh.js';
import { grpcService, versionSubsets, virtualService } from './conformance-resources.js';
import { METHOD } from './echo-backend.js';

const client = new XdsClientProcess();
after(() => client.stop());

test('every backend of the service is reached, in round robin', async (t) => {
  const mesh = await startConformanceMesh(client);
  t.after(() => mesh.close());
  const names = ['reviews-0', 'reviews-1', 'reviews-2'];
  for (const n of names) await mesh.addBackend(n);
  await mesh.apply([grpcService()]);
  const channel = await mesh.channel();

  // Subchannels connect one by one; round robin is even once all of them are READY.
  const seen = new Set<string>();
  const deadline = Date.now() + 10_000;
  while (seen.size < names.length && Date.now() < deadline) seen.add((await channel.call(METHOD.echo)).backend);
  assert.deepEqual([...seen].sort(), names);

  // Sequential picks over READY subchannels: each backend gets every third RPC.
  const counts = countByBackend(await channel.many(300, METHOD.echo, {}, 1));
  for (const n of names) assert.ok(Math.abs((counts[n] ?? 0) - 100) <= 3, `round robin spread ${JSON.stringify(counts)}`);
  assert.deepEqual(mesh.nacks(), []);
});

test('a 20/80 weighted VirtualService split holds over 1000 RPCs', async (t) => {
  const mesh = await startConformanceMesh(client);
  t.after(() => mesh.close());
  await mesh.addBackend('reviews-v1', { version: 'v1' });
  await mesh.addBackend('reviews-v2', { version: 'v2' });
  await mesh.apply([
    grpcService(),
    versionSubsets(['v1', 'v2']),
    virtualService([{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 20 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 80 }] }]),
  ]);
  const channel = await mesh.channel();
  await channel.call(METHOD.echo);

  const n = 1000;
  const counts = countByBackend(await channel.many(n, METHOD.echo));
  assert.equal((counts['reviews-v1'] ?? 0) + (counts['reviews-v2'] ?? 0), n, JSON.stringify(counts));
  // Each RPC picks a cluster independently: the v1 share is binomial, 0.2 ± 5σ (±0.063 at n = 1000).
  const share = (counts['reviews-v1'] ?? 0) / n;
  const tolerance = shareTolerance(n, 0.2);
  assert.ok(Math.abs(share - 0.2) <= tolerance, `v1 share ${share} outside 0.2 ± ${tolerance.toFixed(3)}`);
  assert.deepEqual(mesh.nacks(), []);
});
