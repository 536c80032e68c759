// How the runtime starts a pod's proxy: `skiff proxy` as its own process, told who it is (Istio's
// node id and metadata) and where the control plane is. In local mode the sidecar has no capture
// listeners (INTERCEPTION_MODE NONE): the app reaches it as an explicit HTTP proxy on
// HTTP_PROXY_PORT, and it binds one inbound socket per pod port. Gateways bind loopback.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeId } from '../control-plane/model/proxy.js';
import { PROXY_NODE_FLAGS } from '../proxy/node-flags.js';
import type { SidecarLauncher } from './pod-runner.js';

export interface ProxyLaunchOptions {
  /** The control plane's ADS address, `127.0.0.1:15010`. */
  xdsAddress: string;
  /** Gateway listener port → the port it is served on (tests run meshes side by side). */
  gatewayPortMap?: Readonly<Record<number, number>>;
}

/** The package's root (where package.json and bin/ are), found by walking up from this file. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'bin', 'skiff.js')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the skiff package (bin/skiff.js) above the runtime');
    dir = up;
  }
}

/** bin/skiff.js of this package. */
export function skiffBin(): string {
  return join(packageRoot(), 'bin', 'skiff.js');
}

export function proxyLauncher(opts: ProxyLaunchOptions): SidecarLauncher {
  const bin = skiffBin();
  return (pod, ports, proxyPorts, role) => {
    const meta: Record<string, unknown> = {
      NAMESPACE: pod.namespace,
      LABELS: pod.labels,
      SERVICE_ACCOUNT: pod.serviceAccount,
      POD_NAME: pod.name,
      // Istio's agent sends the workload (Deployment) name; metrics label source_workload with it.
      WORKLOAD_NAME: pod.labels['skiff.io/deployment'] ?? pod.name,
      INTERCEPTION_MODE: 'NONE',
    };
    if (role === 'sidecar') {
      meta.HTTP_PROXY_PORT = String(proxyPorts.outbound);
    } else {
      meta.SKIFF_BIND_ADDRESS = '127.0.0.1';
      if (opts.gatewayPortMap) meta.SKIFF_PORT_MAP = Object.fromEntries(Object.entries(opts.gatewayPortMap).map(([k, v]) => [k, String(v)]));
    }
    const args = [
      // V8 heap settings for a small resident size under load (see proxy/node-flags.ts).
      ...PROXY_NODE_FLAGS,
      bin, 'proxy', '--role', role,
      '--node-id', nodeId(role, '127.0.0.1', pod.name, pod.namespace),
      '--xds', opts.xdsAddress,
      '--admin-port', String(proxyPorts.admin),
      ...Object.entries(meta).map(([k, v]) => ['--meta', `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`]).flat(),
    ];
    return { command: process.execPath, args };
  };
}
