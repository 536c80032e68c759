// VirtualService fault injection as gRPC's xDS client applies it (gRPC's fault filter, gRFC A33):
// a fixed delay and an abort, each at 100% and at 50% of RPCs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { countByBackend, shareTolerance, startConformanceMesh, XdsClientProcess, type ConformanceMesh, type EchoChannel } from './conformance-mesh.js';
import { grpcService, virtualService } from './conformance-resources.js';
import { METHOD, type EchoBackend } from './echo-backend.js';

const client = new XdsClientProcess();
after(() => client.stop());

async function meshWithFault(t: { after(fn: () => Promise<void>): void }, fault: unknown): Promise<{ mesh: ConformanceMesh; channel: EchoChannel; backend: EchoBackend }> {
  const mesh = await startConformanceMesh(client);
  t.after(() => mesh.close());
  const backend = await mesh.addBackend('reviews-v1');
  await mesh.apply([grpcService(), virtualService([{ fault, route: [{ destination: { host: 'reviews' } }] }])]);
  return { mesh, channel: await mesh.channel(), backend };
}

test('a fixed delay at 100% holds every RPC back for at least the delay', async (t) => {
  const delayMs = 200;
  const { mesh, channel } = await meshWithFault(t, { delay: { fixedDelay: `${delayMs}ms`, percentage: { value: 100 } } });
  await channel.call(METHOD.echo);
  const results = await channel.many(10, METHOD.echo, {}, 10);
  for (const r of results) {
    assert.equal(r.response?.backend, 'reviews-v1');
    // Timers never fire early by more than the clock's millisecond rounding.
    assert.ok(r.ms >= delayMs - 1, `RPC took ${r.ms.toFixed(1)} ms, less than the ${delayMs} ms delay`);
  }
  assert.deepEqual(mesh.nacks(), []);
});

test('a fixed delay at 50% holds back about half of the RPCs', async (t) => {
  // Long enough that an undelayed RPC on a loaded machine does not pass for a delayed one.
  const delayMs = 2000;
  const { mesh, channel } = await meshWithFault(t, { delay: { fixedDelay: `${delayMs}ms`, percentage: { value: 50 } } });
  await channel.many(4, METHOD.echo);
  const n = 100;
  const results = await channel.many(n, METHOD.echo, {}, n);
  assert.deepEqual(countByBackend(results), { 'reviews-v1': n });
  const share = results.filter((r) => r.ms >= delayMs - 1).length / n;
  const tolerance = shareTolerance(n, 0.5);
  assert.ok(Math.abs(share - 0.5) <= tolerance, `delayed share ${share} outside 0.5 ± ${tolerance.toFixed(3)}`);
  assert.deepEqual(mesh.nacks(), []);
});

test('an abort at 100% fails every RPC with the configured gRPC status, and none reaches the backend', async (t) => {
  const { mesh, channel, backend } = await meshWithFault(t, { abort: { grpcStatus: 'PERMISSION_DENIED', percentage: { value: 100 } } });
  const results = await channel.many(20, METHOD.echo);
  assert.deepEqual(countByBackend(results), { 'error:PERMISSION_DENIED': 20 });
  assert.equal(backend.calls(), 0);
  assert.deepEqual(mesh.nacks(), []);
});

test('an abort at 50% fails about half of the RPCs; an HTTP 503 abort reaches gRPC as UNAVAILABLE', async (t) => {
  const { mesh, channel, backend } = await meshWithFault(t, { abort: { httpStatus: 503, percentage: { value: 50 } } });
  const n = 400;
  const counts = countByBackend(await channel.many(n, METHOD.echo, {}, 50));
  assert.equal((counts['error:UNAVAILABLE'] ?? 0) + (counts['reviews-v1'] ?? 0), n, JSON.stringify(counts));
  const share = (counts['error:UNAVAILABLE'] ?? 0) / n;
  const tolerance = shareTolerance(n, 0.5);
  assert.ok(Math.abs(share - 0.5) <= tolerance, `aborted share ${share} outside 0.5 ± ${tolerance.toFixed(3)}`);
  // Aborted RPCs never left the client; the others reached the backend.
  assert.equal(backend.calls(), counts['reviews-v1']);
  assert.deepEqual(mesh.nacks(), []);
});
