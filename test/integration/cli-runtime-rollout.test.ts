// `skiff scale` and `skiff rollout restart/status` drive the runtime's Deployment controller:
// pods are added and removed, and a restart replaces the pod with one of a new template hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAMESPACE, detailsDeployment, startRuntimeMesh } from './cli-runtime-harness.js';

const DEPLOYMENT = { group: 'apps', kind: 'Deployment' };

test('skiff scale and rollout restart/status on a running deployment', { timeout: 60_000 }, async (t) => {
  const mesh = await startRuntimeMesh(t);
  await mesh.controlPlane.store.create(detailsDeployment(1));
  const [first] = await mesh.readyPods('details-v1', 1);

  await t.test('scale to 2 and back to 1', async () => {
    const up = await mesh.run(['scale', 'deploy', 'details-v1', '--replicas', '2']);
    assert.deepEqual([up.code, up.stdout, up.stderr], [0, 'deployment.apps/details-v1 scaled\n', '']);
    assert.equal((mesh.controlPlane.store.get(DEPLOYMENT, NAMESPACE, 'details-v1')!.spec as { replicas: number }).replicas, 2);
    const status = await mesh.run(['rollout', 'status', 'deploy/details-v1', '--timeout', '30s']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /deployment "details-v1" successfully rolled out\n$/);
    await mesh.readyPods('details-v1', 2);
    const down = await mesh.run(['scale', 'deployment/details-v1', '--replicas=1']);
    assert.equal(down.stdout, 'deployment.apps/details-v1 scaled\n');
    await mesh.readyPods('details-v1', 1);

    const missing = await mesh.run(['scale', 'deploy', 'nope', '--replicas', '1']);
    assert.deepEqual([missing.code, missing.stderr], [1, 'Error from server (NotFound): deployments.apps "nope" not found\n']);
    const negative = await mesh.run(['scale', 'deploy', 'details-v1', '--replicas', '-1']);
    assert.equal(negative.stderr, 'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n');
  });

  await t.test('rollout restart replaces the pod with one of a new template', async () => {
    const before = mesh.controlPlane.store.list({ group: '', kind: 'Pod' }, NAMESPACE);
    assert.equal(before.length, 1);
    const restart = await mesh.run(['rollout', 'restart', 'deploy', 'details-v1']);
    assert.deepEqual([restart.code, restart.stdout, restart.stderr], [0, 'deployment.apps/details-v1 restarted\n', '']);
    const stamped = (mesh.controlPlane.store.get(DEPLOYMENT, NAMESPACE, 'details-v1')!.spec as { template: { metadata: { annotations: Record<string, string> } } })
      .template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
    assert.match(stamped!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);

    const status = await mesh.run(['rollout', 'status', 'deploy', 'details-v1', '--timeout', '30s']);
    assert.equal(status.code, 0, status.stderr);
    const lines = status.stdout.trimEnd().split('\n');
    assert.equal(lines.at(-1), 'deployment "details-v1" successfully rolled out');
    for (const line of lines.slice(0, -1)) assert.match(line, /^Waiting for deployment (spec update to be observed|"details-v1" rollout to finish: .*)\.\.\.$/);

    const [after] = await mesh.readyPods('details-v1', 1);
    assert.notEqual(after!.metadata.name, before[0]!.metadata.name);
    assert.notEqual(after!.metadata.labels!['pod-template-hash'], first!.metadata.labels!['pod-template-hash']);
  });

  await t.test('a pod that cannot run: ContainerCannotRun, and rollout status gives up after --timeout', async () => {
    // An image with no built-in sample and no command: the runtime cannot start it, so it never rolls out.
    const broken = detailsDeployment(1);
    broken.metadata.name = 'broken';
    (broken.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image = 'example.com/not-a-builtin:1';
    await mesh.controlPlane.store.create(broken);
    const status = await mesh.run(['rollout', 'status', 'deploy/broken', '--timeout', '1s']);
    assert.equal(status.code, 1);
    assert.equal(status.stderr, 'error: timed out waiting for the condition\n');
    assert.match(status.stdout, /^Waiting for deployment/);
    const pods = await mesh.run(['get', 'pods', '-l', 'app=details,skiff.io/deployment=broken']);
    assert.match(pods.stdout.split('\n')[1]!, /^broken-\S+\s+0\/1\s+ContainerCannotRun\s+0\s+/);
    const exec = await mesh.run(['exec', 'deploy/broken', '--pod-running-timeout', '500ms', '--', 'true']);
    assert.deepEqual([exec.code, exec.stderr], [1, 'error: cannot exec into a container in a completed pod; current phase is Failed\n']);
  });
});
