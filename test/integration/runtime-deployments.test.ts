// The local runtime runs Deployments as processes: replicas, readiness, restart on crash with
// RESTARTS counted, scaling, rolling replacement on a template change, and cleanup on delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { createMemoryStore } from '../../src/control-plane/store/memory-store.js';
import { MemoryWorkloadSource } from '../../src/control-plane/registry/workload.js';
import { DeploymentController, isPodReady } from '../../src/runtime/deployment-controller.js';
import { Kubelet } from '../../src/runtime/kubelet.js';
import type { Resource } from '../../src/config/resource.js';

const POD = { group: '', kind: 'Pod' };
const DEPLOYMENT = { group: 'apps', kind: 'Deployment' };

function deployment(replicas: number, env: Record<string, string> = {}): Resource {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'details-v1', namespace: 'apps', labels: { app: 'details', version: 'v1' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'details', version: 'v1' } },
      template: {
        metadata: { labels: { app: 'details', version: 'v1' } },
        spec: {
          containers: [{
            name: 'details', image: 'docker.io/istio/examples-bookinfo-details-v1:1.20.3',
            ports: [{ containerPort: 9080 }], env: Object.entries(env).map(([name, value]) => ({ name, value })),
          }],
        },
      },
    },
  };
}

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('runtime: a Deployment runs, heals, scales, rolls and goes away', { timeout: 120_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'skiff-runtime-'));
  const store = createMemoryStore();
  const workloads = new MemoryWorkloadSource();
  const controller = new DeploymentController(store);
  const kubelet = new Kubelet({
    store, workloads, logRoot: join(home, 'logs'),
    sidecar: () => { throw new Error('no pod in this test is injected'); },
  });
  controller.start();
  kubelet.start();
  try {
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    await store.create(deployment(2));
    const pods = await until('2 ready pods', () => {
      const p = store.list(POD, 'apps');
      return p.length === 2 && p.every(isPodReady) ? p : undefined;
    });
    // Not injected: 1/1, and the pod keeps that shape.
    for (const p of pods) assert.deepEqual((p.spec as { containers: { name: string }[] }).containers.map((c) => c.name), ['details']);
    const healthy = workloads.list().filter((w) => w.healthy);
    assert.equal(healthy.length, 2);
    const port = healthy[0]!.ports[0]!;
    assert.equal(port.port, 9080);
    assert.equal(port.endpointPort, port.appPort, 'without a sidecar, traffic goes straight to the app');
    const res = await request(`http://127.0.0.1:${port.appPort}/details/0`);
    assert.equal(res.statusCode, 200);
    assert.equal(((await res.body.json()) as { author: string }).author, 'William Shakespeare');

    await until('deployment status', () => ((store.get(DEPLOYMENT, 'apps', 'details-v1') as { status?: { readyReplicas?: number } }).status?.readyReplicas === 2));

    // Kill the app: the runtime restarts it and counts the restart.
    const victim = pods[0]!;
    const pid = (victim as unknown as { status: { skiff: { pids: Record<string, number> } } }).status.skiff.pids.details!;
    process.kill(pid, 'SIGKILL');
    await until('restart counted and ready again', () => {
      const p = store.get(POD, 'apps', victim.metadata.name) as { status?: { containerStatuses?: { restartCount: number }[] } } & Resource | undefined;
      return p && p.status?.containerStatuses?.[0]?.restartCount === 1 && isPodReady(p);
    });

    // Delete a pod: the Deployment makes a new one.
    await store.delete(POD, 'apps', pods[1]!.metadata.name);
    await until('replacement pod', () => {
      const p = store.list(POD, 'apps');
      return p.length === 2 && !p.some((x) => x.metadata.name === pods[1]!.metadata.name) && p.every(isPodReady);
    });

    // Scale down to 1.
    const current = store.get(DEPLOYMENT, 'apps', 'details-v1')!;
    await store.update({ ...current, metadata: { ...current.metadata, resourceVersion: undefined }, spec: (deployment(1).spec) });
    await until('scaled to 1', () => store.list(POD, 'apps').length === 1);

    // A template change rolls the pod over to a new template hash.
    const before = store.list(POD, 'apps')[0]!;
    const d = store.get(DEPLOYMENT, 'apps', 'details-v1')!;
    await store.update({ ...d, metadata: { ...d.metadata, resourceVersion: undefined }, spec: deployment(1, { FLAVOUR: 'new' }).spec });
    await until('rolled over', () => {
      const p = store.list(POD, 'apps');
      return p.length === 1 && p[0]!.metadata.labels!['pod-template-hash'] !== before.metadata.labels!['pod-template-hash'] && isPodReady(p[0]!);
    });

    await store.delete(DEPLOYMENT, 'apps', 'details-v1');
    await until('pods gone', () => store.list(POD, 'apps').length === 0);
    await until('workloads gone', () => workloads.list().length === 0);
  } finally {
    controller.stop();
    await kubelet.stop();
    await store.close();
    rmSync(home, { recursive: true, force: true });
  }
});
