// The local runtime as `skiff up` runs it: the Deployment controller and the kubelet over the
// config store, feeding the registry with ready replicas. Logs land in `<home>/logs/<ns>/<pod>/`.
import { join } from 'node:path';
import type { ConfigStore } from '../control-plane/store/config-store.js';
import { MemoryWorkloadSource } from '../control-plane/registry/workload.js';
import { DeploymentController } from './deployment-controller.js';
import { Kubelet } from './kubelet.js';
import type { SidecarLauncher } from './pod-runner.js';

export interface LocalRuntimeOptions {
  store: ConfigStore;
  home: string;
  sidecar: SidecarLauncher;
  /** Where ready replicas are reported; the control plane's registry reads it. */
  workloads?: MemoryWorkloadSource;
  log?: (msg: string) => void;
}

export interface LocalRuntime {
  /** Ready and unready replicas, as the registry sees them. */
  workloads: MemoryWorkloadSource;
  kubelet: Kubelet;
  stop(): Promise<void>;
}

/** `<home>/logs/<namespace>/<pod>/<container>.log`: where `skiff logs` reads. */
export function containerLogFile(home: string, namespace: string, pod: string, container: string): string {
  return join(home, 'logs', namespace, pod, `${container}.log`);
}

export function startLocalRuntime(opts: LocalRuntimeOptions): LocalRuntime {
  const workloads = opts.workloads ?? new MemoryWorkloadSource();
  const controller = new DeploymentController(opts.store, opts.log);
  const kubelet = new Kubelet({ store: opts.store, workloads, sidecar: opts.sidecar, logRoot: join(opts.home, 'logs'), log: opts.log });
  controller.start();
  kubelet.start();
  let stopping: Promise<void> | undefined;
  return {
    workloads,
    kubelet,
    stop() {
      stopping ??= (async () => {
        controller.stop();
        await kubelet.stop();
      })();
      return stopping;
    },
  };
}
