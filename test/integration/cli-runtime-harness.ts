// A control plane and the local runtime in-process, with `skiff` run in-process against them, so
// the runtime verbs (logs, exec, scale, rollout, load) are tested on real pods as a user runs them.
// Pods here are not injected (the namespace has no injection label): no sidecar is needed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Resource } from '../../src/config/resource.js';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { startControlPlane, type ControlPlane } from '../../src/control-plane/control-plane.js';
import { isPodReady } from '../../src/runtime/deployment-controller.js';
import { startLocalRuntime, type LocalRuntime } from '../../src/runtime/local-runtime.js';
import type { RunResult } from './cli-harness.js';

export const NAMESPACE = 'apps';
export const POD = { group: '', kind: 'Pod' };

/** A command still running: its output so far, a Ctrl-C, and its result. */
export interface Running {
  stdout(): string;
  interrupt(): void;
  done: Promise<RunResult>;
}

export interface RuntimeMesh {
  home: string;
  controlPlane: ControlPlane;
  runtime: LocalRuntime;
  run(args: string[]): Promise<RunResult>;
  start(args: string[]): Running;
  /** The namespace's pods of a deployment once `count` of them are ready (and no others remain). */
  readyPods(deployment: string, count: number): Promise<Resource[]>;
}

export async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function detailsDeployment(replicas = 1): Resource {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'details-v1', namespace: NAMESPACE, labels: { app: 'details', version: 'v1' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'details', version: 'v1' } },
      template: {
        metadata: { labels: { app: 'details', version: 'v1' } },
        spec: {
          containers: [{
            name: 'details', image: 'docker.io/istio/examples-bookinfo-details-v1:1.20.3',
            ports: [{ containerPort: 9080 }], env: [{ name: 'GREETING', value: 'hello from $(POD_NAMESPACE)' }],
          }],
        },
      },
    },
  };
}

export async function startRuntimeMesh(t: TestContext): Promise<RuntimeMesh> {
  const home = await mkdtemp(join(tmpdir(), 'skiff-cli-runtime-'));
  const controlPlane = await startControlPlane({ home, apiPort: 0, log: () => {} });
  const runtime = startLocalRuntime({
    store: controlPlane.store, home, log: () => {},
    sidecar: () => { throw new Error('no pod in these tests is injected'); },
  });
  t.after(async () => {
    await runtime.stop();
    await controlPlane.close();
    await rm(home, { recursive: true, force: true });
  });
  await controlPlane.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });

  const start = (args: string[]): Running => {
    let stdout = '';
    let stderr = '';
    let interrupt!: (signal: string) => void;
    const shutdown = new Promise<string>((resolve) => { interrupt = resolve; });
    const io: CliIO = {
      stdout: { write: (s: string) => { stdout += s; return true; } },
      stderr: { write: (s: string) => { stderr += s; return true; } },
      // PATH so commands run by `exec` are found, as in a user's shell.
      env: { SKIFF_HOME: home, PATH: process.env.PATH ?? '' },
      readStdin: async () => '',
      waitForShutdown: () => shutdown,
    };
    const done = main(['node', 'skiff', '-n', NAMESPACE, ...args], io).then((code) => ({ code, stdout, stderr }));
    return { stdout: () => stdout, interrupt: () => interrupt('SIGINT'), done };
  };

  return {
    home, controlPlane, runtime, start,
    run: (args) => start(args).done,
    readyPods: (deployment, count) => until(`${count} ready pod(s) of ${deployment}`, () => {
      const pods = controlPlane.store.list(POD, NAMESPACE).filter((p) => p.metadata.labels?.['skiff.io/deployment'] === deployment);
      return pods.length === count && pods.every(isPodReady) ? pods : undefined;
    }),
  };
}

/** Where the runtime placed a container port of a pod on loopback. */
export function appPort(pod: Resource): number {
  const ports = (pod as { status?: { skiff?: { ports?: { appPort: number }[] } } }).status?.skiff?.ports ?? [];
  if (!ports[0]) throw new Error(`pod ${pod.metadata.name} has no assigned ports in its status`);
  return ports[0].appPort;
}
