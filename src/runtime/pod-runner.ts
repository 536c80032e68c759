// Runs one pod on this machine: each container as a local process on loopback ports of its own,
// plus the sidecar (istio-proxy) when the pod was injected. The app listens on the port the
// runtime gives it ($PORT); the sidecar's inbound socket fronts it, and the app's outbound calls
// go through the sidecar as an explicit HTTP proxy ($HTTP_PROXY).
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { ContainerProcess, type ContainerSpec } from './container-process.js';
import { builtinAvailable, resolveImage } from './image-catalog.js';
import { allocatePort, canConnect } from './ports.js';

/** The fields of a Kubernetes container the runtime uses. */
export interface PodContainer {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { containerPort: number; name?: string; protocol?: string }[];
  readinessProbe?: { httpGet?: { path?: string; port: number | string }; tcpSocket?: { port: number | string } };
}

export interface PodPlan {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  serviceAccount: string;
  containers: PodContainer[];
  /** Whether the injector added a sidecar. */
  injected: boolean;
  logDir: string;
}

/** Ports the runtime gave one container port: where the app listens, and the sidecar's inbound socket. */
export interface PortAssignment {
  containerPort: number;
  name?: string;
  appPort: number;
  /** The sidecar's inbound socket; equal to appPort when the pod has no sidecar. */
  endpointPort: number;
}

export interface SidecarPorts {
  /** The explicit HTTP proxy the app's HTTP_PROXY points at. */
  outbound: number;
  admin: number;
}

export interface SidecarLaunch {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** Starts a pod's proxy: its sidecar, or for a gateway pod the gateway itself (`router`). */
export type SidecarLauncher = (pod: PodPlan, ports: PortAssignment[], proxy: SidecarPorts, role: 'sidecar' | 'router') => SidecarLaunch;

/** Istio's proxy image; a container running it with `router` in its args is a gateway. */
const PROXY_IMAGE = /^(?:docker\.io\/)?istio\/proxyv2(?::[^/]*)?(?:@.*)?$/;

export function isGatewayContainer(c: PodContainer): boolean {
  return c.image !== undefined && PROXY_IMAGE.test(c.image) && (c.args ?? []).includes('router');
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  state: string;
  lastExit?: { code: number | null; signal: string | null; at: Date };
}

export class PodRunner extends EventEmitter {
  readonly containers = new Map<string, ContainerProcess>();
  ports: PortAssignment[] = [];
  sidecarPorts?: SidecarPorts;
  private readiness = new Map<string, boolean>();
  /** Set for a gateway pod: the one container, which is the proxy. */
  private gatewayContainer?: string;
  private probeTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(readonly plan: PodPlan, private readonly sidecar: SidecarLauncher) {
    super();
  }

  async start(): Promise<void> {
    const { plan } = this;
    const gateway = plan.containers.find(isGatewayContainer);
    if (gateway) return this.startGateway(gateway);
    for (const c of plan.containers) {
      for (const p of c.ports ?? []) {
        const appPort = await allocatePort();
        const endpointPort = plan.injected ? await allocatePort() : appPort;
        this.ports.push({ containerPort: p.containerPort, name: p.name, appPort, endpointPort });
      }
    }
    if (plan.injected) this.sidecarPorts = { outbound: await allocatePort(), admin: await allocatePort() };
    const specs: ContainerSpec[] = plan.containers.map((c) => this.appSpec(c));
    if (plan.injected) {
      const launch = this.sidecar(plan, this.ports, this.sidecarPorts!, 'sidecar');
      specs.push({
        name: 'istio-proxy', command: launch.command, args: launch.args,
        env: { ...baseEnv(), ...launch.env }, logFile: join(plan.logDir, 'istio-proxy.log'), restartPolicy: 'Always',
      });
    }
    for (const spec of specs) this.launch(spec);
    this.startProbes();
  }

  /** A gateway pod is its proxy alone: it binds the listeners its Gateway servers ask for. */
  private async startGateway(c: PodContainer): Promise<void> {
    const { plan } = this;
    this.sidecarPorts = { outbound: 0, admin: await allocatePort() };
    const launch = this.sidecar(plan, [], this.sidecarPorts, 'router');
    this.launch({ name: c.name, command: launch.command, args: launch.args, env: { ...baseEnv(), ...launch.env }, logFile: join(plan.logDir, `${c.name}.log`), restartPolicy: 'Always' });
    this.gatewayContainer = c.name;
    this.startProbes();
  }

  private launch(spec: ContainerSpec): void {
    const proc = new ContainerProcess(spec);
    proc.on('exit', () => this.setReady(spec.name, false));
    proc.on('restarted', () => this.emit('changed'));
    this.containers.set(spec.name, proc);
    proc.start();
  }

  private startProbes(): void {
    this.probeTimer = setInterval(() => void this.probe(), 500);
    this.probeTimer.unref();
    void this.probe();
  }

  private appSpec(c: PodContainer): ContainerSpec {
    const { plan } = this;
    const mine = this.ports.filter((p) => (c.ports ?? []).some((cp) => cp.containerPort === p.containerPort));
    const env: Record<string, string> = {
      ...baseEnv(),
      HOSTNAME: plan.name, POD_NAME: plan.name, POD_NAMESPACE: plan.namespace, SERVICE_ACCOUNT: plan.serviceAccount,
      HOST: '127.0.0.1',
    };
    if (mine[0]) env.PORT = String(mine[0].appPort);
    for (const p of mine) env[`SKIFF_PORT_${p.containerPort}`] = String(p.appPort);
    if (plan.injected) {
      const proxy = `http://127.0.0.1:${this.sidecarPorts!.outbound}`;
      Object.assign(env, { HTTP_PROXY: proxy, http_proxy: proxy, NO_PROXY: '', no_proxy: '' });
    }
    const builtin = c.image ? resolveImage(c.image) : undefined;
    let command: string;
    let args: string[];
    if (builtin) {
      if (!builtinAvailable(builtin)) throw new Error(`container ${c.name}: the built-in ${builtin.description} is missing at ${builtin.entry} (run npm install to build it)`);
      Object.assign(env, builtin.env);
      command = process.execPath;
      args = [...builtin.nodeArgs, builtin.entry];
    } else if (c.command && c.command.length > 0) {
      command = c.command[0]!;
      args = [...c.command.slice(1), ...(c.args ?? [])];
    } else {
      throw new Error(`container ${c.name}: image "${c.image ?? ''}" is not one Skiff runs built in, and the container gives no command to run locally`);
    }
    for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = expandEnv(e.value, env);
    return { name: c.name, command, args, env, logFile: join(plan.logDir, `${c.name}.log`), restartPolicy: 'Always' };
  }

  private async probe(): Promise<void> {
    if (this.stopped) return;
    if (this.gatewayContainer) {
      const proc = this.containers.get(this.gatewayContainer);
      this.setReady(this.gatewayContainer, proc?.state === 'Running' && (await httpOk(this.sidecarPorts!.admin, '/ready')));
      return;
    }
    for (const c of this.plan.containers) {
      const proc = this.containers.get(c.name);
      this.setReady(c.name, proc?.state === 'Running' && (await this.containerReady(c)));
    }
    if (this.sidecarPorts) {
      const proc = this.containers.get('istio-proxy');
      this.setReady('istio-proxy', proc?.state === 'Running' && (await httpOk(this.sidecarPorts.admin, '/ready')));
    }
  }

  private async containerReady(c: PodContainer): Promise<boolean> {
    const probe = c.readinessProbe;
    const mapPort = (port: number | string) => {
      const p = this.ports.find((a) => a.containerPort === Number(port) || a.name === port);
      return p?.appPort;
    };
    if (probe?.httpGet) {
      const port = mapPort(probe.httpGet.port);
      return port !== undefined && httpOk(port, probe.httpGet.path ?? '/');
    }
    const tcpPort = probe?.tcpSocket ? mapPort(probe.tcpSocket.port) : this.ports.find((p) => (c.ports ?? []).some((cp) => cp.containerPort === p.containerPort))?.appPort;
    // A container with no ports and no probe is ready once running, as kubelet treats it.
    return tcpPort === undefined ? true : canConnect(tcpPort);
  }

  private setReady(name: string, ready: boolean): void {
    if (this.readiness.get(name) === ready) return;
    this.readiness.set(name, ready);
    this.emit('changed');
  }

  get ready(): boolean {
    return [...this.containers.keys()].every((n) => this.readiness.get(n) === true);
  }

  statuses(): ContainerStatus[] {
    return [...this.containers.entries()].map(([name, proc]) => ({
      name, ready: this.readiness.get(name) === true, restartCount: proc.restarts, state: proc.state, lastExit: proc.lastExit,
    }));
  }

  async stop(gracePeriodMs = 5000): Promise<void> {
    this.stopped = true;
    clearInterval(this.probeTimer);
    // The app first, then its sidecar, so in-flight calls out of the app still have their proxy.
    const apps = [...this.containers.entries()].filter(([n]) => n !== 'istio-proxy').map(([, p]) => p.stop(gracePeriodMs));
    await Promise.all(apps);
    await this.containers.get('istio-proxy')?.stop(gracePeriodMs);
  }
}

/** What a container inherits from the runtime: enough to find binaries and Node, nothing of the user's shell. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', 'NODE_OPTIONS']) if (process.env[k]) env[k] = process.env[k]!;
  return env;
}

/** Kubernetes' `$(VAR)` expansion in env values. */
function expandEnv(value: string, env: Record<string, string>): string {
  return value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string) => env[name] ?? m);
}

function httpOk(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) >= 200 && (res.statusCode ?? 500) < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
