// The environment `skiff exec` gives a command: what the local runtime gives that pod's container
// (the pod's identity, its ports, the image's and the container's `env`), and for an app container
// of an injected pod the sidecar as its HTTP proxy, so the command's calls go through the mesh as
// the app's do.
import { resolveImage } from '../../runtime/image-catalog.js';
import { SIDECAR_CONTAINER, type PodView } from './pod-target.js';

/**
 * What a container inherits from the machine, as the runtime passes it: enough to find binaries.
 * The caller's own proxy settings are not among them: only a pod's sidecar proxies its traffic.
 */
const INHERITED = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'NODE_OPTIONS', 'TERM'];

export function podExecEnv(pod: PodView, container: string, callerEnv: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of INHERITED) if (callerEnv[k] !== undefined) env[k] = callerEnv[k]!;
  const name = pod.metadata.name;
  const namespace = pod.metadata.namespace ?? 'default';
  Object.assign(env, {
    HOSTNAME: name, POD_NAME: name, POD_NAMESPACE: namespace,
    SERVICE_ACCOUNT: pod.spec?.serviceAccountName ?? 'default', HOST: '127.0.0.1',
  });
  const spec = (pod.spec?.containers ?? []).find((c) => c.name === container);
  if (container !== SIDECAR_CONTAINER && spec) {
    const assigned = pod.status?.skiff?.ports ?? [];
    const mine = assigned.filter((p) => (spec.ports ?? []).some((cp) => cp.containerPort === p.containerPort));
    if (mine[0]) env.PORT = String(mine[0].appPort);
    for (const p of mine) env[`SKIFF_PORT_${p.containerPort}`] = String(p.appPort);
    const sidecar = pod.status?.skiff?.sidecar;
    if (sidecar) {
      const proxy = `http://127.0.0.1:${sidecar.outbound}`;
      Object.assign(env, { HTTP_PROXY: proxy, http_proxy: proxy, NO_PROXY: '', no_proxy: '' });
    }
    if (spec.image) Object.assign(env, resolveImage(spec.image)?.env ?? {});
  }
  for (const e of spec?.env ?? []) if (e.value !== undefined) env[e.name] = expandEnv(e.value, env);
  return env;
}

/** Kubernetes' `$(VAR)` expansion in env values. */
function expandEnv(value: string, env: Record<string, string>): string {
  return value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string) => env[name] ?? m);
}
