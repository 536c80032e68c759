// Config changes reaching gRPC's xDS client while it serves traffic: a VirtualService edit moves
// traffic within 2 s (through the control plane's ordinary debounce, no forced push), and a
// backend taken out of the registry stops receiving RPCs although its server still runs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { countByBackend, startConformanceMesh, XdsClientProcess, type EchoChannel } from './conformance-mesh.js';
import { grpcService, toSubset, versionSubsets, virtualService } from './conformance-resources.js';
import { METHOD } from './echo-backend.js';

const client = new XdsClientProcess();
after(() => client.stop());

/** Calls until `done` holds for an answer; returns how long that took (ms), or fails after `limitMs`. */
async function callUntil(channel: EchoChannel, done: (backend: string) => boolean, limitMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < limitMs) {
    if (done((await channel.call(METHOD.echo)).backend)) return performance.now() - start;
  }
  assert.fail(`no answer as expected within ${limitMs} ms`);
}

test('changing a VirtualService moves traffic within 2 s', async (t) => {
  const mesh = await startConformanceMesh(client);
  t.after(() => mesh.close());
  await mesh.addBackend('reviews-v1', { version: 'v1' });
  await mesh.addBackend('reviews-v2', { version: 'v2' });
  await mesh.apply([grpcService(), versionSubsets(['v1', 'v2']), virtualService([{ route: toSubset('v1') }])]);
  const channel = await mesh.channel();
  assert.deepEqual(countByBackend(await channel.many(20, METHOD.echo)), { 'reviews-v1': 20 });

  const start = performance.now();
  await mesh.apply([virtualService([{ route: toSubset('v2') }])], { flush: false });
  await callUntil(channel, (b) => b === 'reviews-v2', 10_000);
  const elapsed = performance.now() - start;
  assert.ok(elapsed <= 2000, `traffic moved after ${elapsed.toFixed(0)} ms`);
  // Once moved, it stays moved.
  assert.deepEqual(countByBackend(await channel.many(50, METHOD.echo)), { 'reviews-v2': 50 });
  assert.deepEqual(mesh.nacks(), []);
});

test('a backend removed from the registry stops receiving RPCs while its server still runs', async (t) => {
  const mesh = await startConformanceMesh(client);
  t.after(() => mesh.close());
  await mesh.addBackend('reviews-0');
  const removed = await mesh.addBackend('reviews-1');
  await mesh.apply([grpcService()]);
  const channel = await mesh.channel();
  const seen = new Set<string>();
  await callUntil(channel, (b) => seen.add(b).size === 2, 10_000);

  mesh.removeWorkload('reviews-1');
  // The endpoint update reaches the client; from then on only reviews-0 answers.
  let streak = 0;
  await callUntil(channel, (b) => (streak = b === 'reviews-0' ? streak + 1 : 0) >= 20, 10_000);
  const callsBefore = removed.calls();
  assert.deepEqual(countByBackend(await channel.many(100, METHOD.echo)), { 'reviews-0': 100 });
  assert.equal(removed.calls(), callsBefore, 'the removed backend was still sent RPCs');
  assert.deepEqual(mesh.nacks(), []);
});
