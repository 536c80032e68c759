import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../config/resource.js';
import { podSummary } from './pod-columns.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const running = { running: {} };

function pod(status?: Record<string, unknown>, extra: Partial<Resource['metadata']> = {}): Resource {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: '2025-01-01T11:00:00Z', ...extra },
    spec: { containers: [{ name: 'app' }, { name: 'istio-proxy' }] },
    ...(status ? { status } : {}),
  };
}

test('a pod the kubelet has not reported on is 0/N Pending', () => {
  assert.deepEqual(podSummary(pod(), now), { ready: '0/2', status: 'Pending', restarts: '0' });
});

test('an injected pod with both containers ready is 2/2 Running', () => {
  const p = pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }, { name: 'istio-proxy', ready: true, restartCount: 0, state: running }] });
  assert.deepEqual(podSummary(p, now), { ready: '2/2', status: 'Running', restarts: '0' });
});

test('a crashing container shows its waiting reason and the restarts with the last one\'s age', () => {
  const p = pod({
    phase: 'Running',
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2025-01-01T11:59:15Z' } } },
      { name: 'istio-proxy', ready: true, restartCount: 0, state: running },
    ],
  });
  assert.deepEqual(podSummary(p, now), { ready: '1/2', status: 'CrashLoopBackOff', restarts: '3 (45s ago)' });
});

test('restarts without a recorded termination time print the bare count', () => {
  const p = pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: running }] });
  assert.equal(podSummary(p, now).restarts, '2');
});

test('the pod\'s own reason wins over its phase; exit codes show as kubectl shows them', () => {
  assert.equal(podSummary(pod({ phase: 'Failed', reason: 'ContainerCannotRun' }), now).status, 'ContainerCannotRun');
  const exited = pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } }] });
  assert.equal(podSummary(exited, now).status, 'ExitCode:2');
});

test('a pod being deleted is Terminating', () => {
  assert.equal(podSummary(pod({ phase: 'Running' }, { deletionTimestamp: '2025-01-01T11:59:00Z' }), now).status, 'Terminating');
});
