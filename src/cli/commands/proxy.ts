// `skiff proxy`: one data-plane proxy process, Envoy's role — a sidecar next to an app, or a gateway
// (`router`). The local runtime starts it for every injected pod and for the gateways; on
// Kubernetes it is the sidecar container's command. Config comes from the control plane over ADS.
import type { Command } from 'commander';
import { action, collect, type CommandDeps } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { cliError } from '../cli-error.js';

interface ProxyFlags {
  role: string;
  nodeId: string;
  xds: string;
  adminPort?: string;
  meta: string[];
  drainTimeout: string;
}

export function registerProxy(program: Command, deps: CommandDeps): void {
  program.command('proxy')
    .description('Run a data-plane proxy (sidecar or gateway) driven by the control plane over xDS')
    .requiredOption('--role <role>', 'sidecar or router (a gateway)')
    .requiredOption('--node-id <id>', 'Istio node id, e.g. sidecar~127.0.0.1~reviews-v1-abc.default~default.svc.cluster.local')
    .option('--xds <host:port>', 'the control plane\'s ADS address', '127.0.0.1:15010')
    .option('--admin-port <port>', 'admin server port on 127.0.0.1 (/ready, /stats/prometheus, /config_dump)')
    .option('--meta <key=value>', 'node metadata sent to the control plane (value may be JSON); repeatable', collect, [])
    .option('--drain-timeout <ms>', 'how long SIGTERM waits for requests in flight', '5000')
    .action(action(deps, async (ctx, cmd) => runProxy(ctx, cmd.opts<ProxyFlags>())));
}

function port(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw cliError(`invalid ${flag} "${text}": expected a port number between 0 and 65535`);
  return n;
}

/** `KEY=value` pairs; a value that parses as a JSON object or array is sent as one (LABELS, SKIFF_PORT_MAP). */
export function parseMetadata(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw cliError(`invalid --meta "${pair}": expected KEY=value`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    if (/^[[{]/.test(raw)) {
      try {
        value = JSON.parse(raw);
      } catch {
        throw cliError(`invalid --meta ${key}: the value starts like JSON but does not parse`);
      }
    }
    out[key] = value;
  }
  return out;
}

async function runProxy(ctx: CommandContext, flags: ProxyFlags): Promise<number> {
  if (flags.role !== 'sidecar' && flags.role !== 'router') throw cliError(`invalid --role "${flags.role}": expected sidecar or router`);
  if (!/^[^:]+:\d+$/.test(flags.xds)) throw cliError(`invalid --xds "${flags.xds}": expected host:port`);
  const drainTimeoutMs = Number(flags.drainTimeout);
  if (!/^\d+$/.test(flags.drainTimeout)) throw cliError(`invalid --drain-timeout "${flags.drainTimeout}": expected milliseconds`);
  const nodeMetadata = parseMetadata(flags.meta);
  const { startProxy } = await import('../../proxy/main.js');
  const { parseNodeId } = await import('../../control-plane/model/proxy.js');
  try {
    parseNodeId(flags.nodeId);
  } catch (e) {
    throw cliError((e as Error).message);
  }
  const proxy = await startProxy({
    role: flags.role,
    nodeId: flags.nodeId,
    xdsAddress: flags.xds,
    nodeMetadata,
    adminPort: flags.adminPort === undefined ? undefined : port(flags.adminPort, '--admin-port'),
    drainTimeoutMs,
    handleSignals: true,
    log: (m) => ctx.io.stderr.write(`${new Date().toISOString()} ${m}\n`),
  });
  const admin = proxy.adminAddress();
  ctx.io.stderr.write(`${new Date().toISOString()} skiff proxy ${flags.role} ${flags.nodeId} connecting to ${flags.xds}${admin ? `, admin on 127.0.0.1:${admin.port}` : ''}\n`);
  // The proxy runs until a signal drains it (startProxy's handlers exit the process).
  await new Promise<never>(() => undefined);
  return 0;
}
