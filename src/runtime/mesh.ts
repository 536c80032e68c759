// The whole mesh on one machine, as `skiff up` runs it: the control plane (store, API, xDS), the
// local runtime (Deployments and Pods as processes, each injected pod with its sidecar), and the
// gateways of the chosen profile. Stopping it stops every process it started.
import type { Resource } from '../config/resource.js';
import { startControlPlane, type ControlPlane } from '../control-plane/control-plane.js';
import type { MeshConfig } from '../control-plane/model/mesh-config.js';
import { MemoryWorkloadSource } from '../control-plane/registry/workload.js';
import type { ConfigStore } from '../control-plane/store/config-store.js';
import { startLocalRuntime, type LocalRuntime } from './local-runtime.js';
import { COMPONENT_LABEL, gatewayResources, profileComponents, type Profile } from './profiles.js';
import { proxyLauncher } from './proxy-launch.js';

export interface MeshOptions {
  home: string;
  host?: string;
  apiPort?: number;
  xdsPort?: number;
  profile?: Profile;
  /** Where the ingress gateway serves its port-8080 listener (tests pick free ports). */
  ingressPort?: number;
  mesh?: Partial<MeshConfig>;
  log?: (msg: string) => void;
}

export interface Mesh {
  controlPlane: ControlPlane;
  runtime: LocalRuntime;
  xdsAddress: string;
  stop(): Promise<void>;
}

export async function startMesh(opts: MeshOptions): Promise<Mesh> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const workloads = new MemoryWorkloadSource();
  const controlPlane = await startControlPlane({ home: opts.home, host: opts.host, apiPort: opts.apiPort, xdsPort: opts.xdsPort, workloads, mesh: opts.mesh, log });
  const xdsAddress = `127.0.0.1:${controlPlane.xdsPort}`;
  let runtime: LocalRuntime;
  try {
    await installProfile(controlPlane.store, opts.profile ?? 'default');
    runtime = startLocalRuntime({
      store: controlPlane.store,
      home: opts.home,
      workloads,
      sidecar: proxyLauncher({ xdsAddress, gatewayPortMap: opts.ingressPort !== undefined ? { 8080: opts.ingressPort } : undefined }),
      log,
    });
  } catch (e) {
    await controlPlane.close();
    throw e;
  }
  let stopping: Promise<void> | undefined;
  return {
    controlPlane,
    runtime,
    xdsAddress,
    stop() {
      stopping ??= (async () => {
        await runtime.stop();
        await controlPlane.close();
      })();
      return stopping;
    },
  };
}

/** Creates the profile's gateways and removes gateways an earlier profile installed that this one does not want. */
async function installProfile(store: ConfigStore, profile: Profile): Promise<void> {
  const wanted = profileComponents(profile).flatMap(gatewayResources);
  const key = (r: Resource) => `${r.kind}/${r.metadata.name}`;
  const wantedKeys = new Set(wanted.map(key));
  for (const kind of [{ group: '', kind: 'ServiceAccount' }, { group: 'apps', kind: 'Deployment' }, { group: '', kind: 'Service' }]) {
    for (const r of store.list(kind, 'istio-system')) {
      if (r.metadata.labels?.[COMPONENT_LABEL] !== undefined && !wantedKeys.has(key(r))) await store.delete(kind, 'istio-system', r.metadata.name);
    }
  }
  for (const r of wanted) {
    const group = r.apiVersion.includes('/') ? r.apiVersion.split('/')[0]! : '';
    if (!store.get({ group, kind: r.kind }, 'istio-system', r.metadata.name)) await store.create(r);
  }
}
