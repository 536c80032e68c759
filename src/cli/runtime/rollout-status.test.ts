import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentRolloutStatus, rfc3339, type DeploymentView } from './rollout-status.js';

const d = (generation: number, replicas: number, status: DeploymentView['status']): DeploymentView => ({ metadata: { name: 'reviews', generation }, spec: { replicas }, status });

test('rollout status walks kubectl\'s stages', () => {
  assert.deepEqual(deploymentRolloutStatus(d(2, 2, { observedGeneration: 1 })), { message: 'Waiting for deployment spec update to be observed...', done: false });
  assert.equal(deploymentRolloutStatus(d(2, 2, { observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 2 })).message,
    'Waiting for deployment "reviews" rollout to finish: 1 out of 2 new replicas have been updated...');
  assert.equal(deploymentRolloutStatus(d(2, 2, { observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 3 })).message,
    'Waiting for deployment "reviews" rollout to finish: 1 old replicas are pending termination...');
  assert.equal(deploymentRolloutStatus(d(2, 2, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1 })).message,
    'Waiting for deployment "reviews" rollout to finish: 1 of 2 updated replicas are available...');
  assert.deepEqual(deploymentRolloutStatus(d(2, 2, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 })),
    { message: 'deployment "reviews" successfully rolled out', done: true });
});

test('a deployment no controller has seen is waiting for its spec to be observed', () => {
  assert.equal(deploymentRolloutStatus({ metadata: { name: 'x', generation: 1 } }).done, false);
});

test('restartedAt is RFC 3339 with the local offset', () => {
  assert.match(rfc3339(new Date()), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  const t = new Date('2025-03-04T05:06:07Z');
  assert.equal(Date.parse(rfc3339(t)), t.getTime());
});
