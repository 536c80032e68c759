// Istio's automatic sidecar injection as a user meets it: a namespace without the label runs its
// pods alone (1/1); labelling it changes nothing for running pods, but a pod created after that
// gets its sidecar (2/2); `sidecar.istio.io/inject` on the pod opts out or in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startMeshHarness, until, type MeshHarness } from '../testkit/mesh-harness.js';
import { repoRoot } from '../testkit/repo-root.js';

const NS = 'shop';
let h: MeshHarness;
before(async () => {
  h = await startMeshHarness({ bookinfo: false });
  await h.applyYaml(namespace(NS));
}, { timeout: 240_000 });
after(async () => { await h?.stop(); });

function namespace(name: string): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
}

/** The READY column of each pod of `app` in the shop namespace, as `skiff get pods` prints it. */
async function readyColumn(app: string): Promise<string[]> {
  const r = await h.skiff(['-n', NS, 'get', 'pods', '-l', `app=${app}`]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trimEnd().split('\n').slice(1).map((row) => row.split(/\s+/)[1]!);
}

/** Waits until `app` has exactly one pod, running with every container ready; returns its name. */
async function onePodReady(app: string, exclude?: string): Promise<string> {
  return until(`one ready pod of ${app}`, () => {
    const pods = h.pods(NS).filter((p) => p.metadata.labels?.app === app && p.metadata.name !== exclude);
    const [pod] = pods;
    const statuses = (pod as { status?: { containerStatuses?: { ready: boolean }[] } } | undefined)?.status?.containerStatuses ?? [];
    return pods.length === 1 && statuses.length > 0 && statuses.every((s) => s.ready) ? pod!.metadata.name : undefined;
  }, 60_000);
}

/** A sleep Deployment named `name` whose pod carries `podLabels`. */
function sleepDeployment(name: string, podLabels: Record<string, string> = {}, podAnnotations: Record<string, string> = {}): string {
  const block = (entries: Record<string, string>) => Object.entries(entries).map(([k, v]) => `        ${k}: "${v}"`).join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
${block(podLabels)}
${Object.keys(podAnnotations).length > 0 ? `      annotations:\n${block(podAnnotations)}` : ''}
    spec:
      containers:
      - name: sleep
        image: curlimages/curl
        command: ["/bin/sleep", "infinity"]
`;
}

describe('sidecar injection', { timeout: 300_000 }, () => {
  test('a namespace without istio-injection runs pods without a sidecar (1/1)', async () => {
    const applied = await h.skiff(['-n', NS, 'apply', '-f', join(repoRoot(), 'test/e2e/manifests/sleep.yaml')]);
    assert.equal(applied.code, 0, applied.stderr);
    await onePodReady('sleep');
    assert.deepEqual(await readyColumn('sleep'), ['1/1']);
    const env = await h.skiff(['-n', NS, 'exec', 'deploy/sleep', '--', 'printenv', 'HTTP_PROXY']);
    assert.equal(env.code, 1, 'no sidecar, so no proxy for the pod\'s calls');
  });

  test('labelling the namespace leaves the running pod alone; its replacement gets a sidecar (2/2)', async () => {
    const labeled = await h.skiff(['label', 'namespace', NS, 'istio-injection=enabled']);
    assert.deepEqual([labeled.code, labeled.stdout], [0, `namespace/${NS} labeled\n`], labeled.stderr);
    const old = await onePodReady('sleep');
    assert.deepEqual(await readyColumn('sleep'), ['1/1'], 'injection happens when a pod is created');

    const deleted = await h.skiff(['-n', NS, 'delete', 'pod', old]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const replacement = await onePodReady('sleep', old);
    assert.notEqual(replacement, old);
    assert.deepEqual(await readyColumn('sleep'), ['2/2']);
    const pod = await h.skiff(['-n', NS, 'get', 'pod', replacement, '-o', 'json']);
    assert.deepEqual((JSON.parse(pod.stdout) as { spec: { containers: { name: string }[] } }).spec.containers.map((c) => c.name), ['sleep', 'istio-proxy']);
    // The sidecar is a proxy of the mesh: connected to the control plane and synced.
    await until('the new sidecar in proxy status', () => h.mesh.controlPlane.ads!.syncStatus().some((s) => s.podName === replacement && s.namespace === NS && s.xds.some((t) => t.state === 'SYNCED')));
    const env = await h.skiff(['-n', NS, 'exec', 'deploy/sleep', '--', 'printenv', 'HTTP_PROXY']);
    assert.match(env.stdout, /^http:\/\/127\.0\.0\.1:\d+\n$/, 'the app\'s calls go through its sidecar');
  });

  test('sidecar.istio.io/inject: "false" on the pod opts out in an injected namespace (label or annotation)', async () => {
    await h.applyYaml(sleepDeployment('no-sidecar', { 'sidecar.istio.io/inject': 'false' }), NS);
    await h.applyYaml(sleepDeployment('no-sidecar-annotated', {}, { 'sidecar.istio.io/inject': 'false' }), NS);
    await onePodReady('no-sidecar');
    await onePodReady('no-sidecar-annotated');
    assert.deepEqual(await readyColumn('no-sidecar'), ['1/1']);
    assert.deepEqual(await readyColumn('no-sidecar-annotated'), ['1/1']);
  });

  test('sidecar.istio.io/inject: "true" opts a pod in where the namespace is not labelled', async () => {
    await h.applyYaml(namespace('plain'));
    await h.applyYaml(sleepDeployment('with-sidecar', { 'sidecar.istio.io/inject': 'true' }), 'plain');
    await h.applyYaml(sleepDeployment('without-sidecar'), 'plain');
    const rows = await until('two ready pods in plain', async () => {
      const r = await h.skiff(['-n', 'plain', 'get', 'pods']);
      const lines = r.stdout.trimEnd().split('\n').slice(1);
      return lines.length === 2 && lines.every((l) => /\s(\d)\/\1\s+Running\s/.test(l)) ? lines : undefined;
    }, 60_000);
    assert.deepEqual(rows.map((l) => `${l.split('-')[0]} ${l.split(/\s+/)[1]}`).sort(), ['with 2/2', 'without 1/1']);
  });

  test('the ingress gateway is its own proxy, never injected (1/1)', async () => {
    const r = await h.skiff(['-n', 'istio-system', 'get', 'pods']);
    assert.match(r.stdout, /^istio-ingressgateway-\S+\s+1\/1\s+Running\s/m);
  });
});
