// `skiff proxy-status [POD[.NAMESPACE]]` (`ps`), istioctl's: without a pod, every connected
// proxy's xDS sync state from the control plane's /debug/syncz; with one, whether the config that
// proxy runs matches what the control plane would send it now.
import type { Command } from 'commander';
import type { SyncStatusEntry } from '../../control-plane/server/debug-syncz.js';
import { action, type CommandDeps } from '../command-support.js';
import { cliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { toJson } from '../printers/object-printer.js';
import { adminJson, AdminUnreachableError, controlPlaneJson } from '../proxy-config/debug-http.js';
import type { ConfigDump } from '../proxy-config/config-dump.js';
import { controlPlaneDump, resolveProxyTarget } from '../proxy-config/proxy-source.js';
import { statusTable } from '../proxy-config/status-table.js';
import { compareDumps } from '../proxy-config/sync-diff.js';

interface StatusFlags {
  output?: string;
}

export function registerProxyStatus(program: Command, deps: CommandDeps): void {
  program.command('proxy-status')
    .alias('ps')
    .description('Show each proxy\'s xDS sync state with the control plane; with a pod, diff its config against what the control plane would send')
    .argument('[pod]', 'POD[.NAMESPACE], pod/POD or deploy/NAME: compare this proxy\'s config with the control plane\'s')
    .option('-o, --output <format>', 'table (default) or json (the /debug/syncz entries)')
    .action(action(deps, async (ctx, cmd) => runProxyStatus(ctx, cmd.processedArgs[0] as string | undefined, cmd.opts<StatusFlags>())));
}

async function runProxyStatus(ctx: CommandContext, pod: string | undefined, flags: StatusFlags): Promise<number> {
  if (flags.output !== undefined && flags.output !== 'json' && flags.output !== 'table') throw cliError(`--output must be 'table' or 'json', not '${flags.output}'`);
  if (pod !== undefined) return diffProxy(ctx, pod);
  const entries = await controlPlaneJson<SyncStatusEntry[]>(ctx.serverUrl(), '/debug/syncz');
  if (flags.output === 'json') {
    ctx.io.stdout.write(toJson(entries));
    return 0;
  }
  if (entries.length === 0) {
    ctx.io.stderr.write('No proxies are connected to the control plane.\n');
    return 0;
  }
  ctx.io.stdout.write(statusTable(entries));
  return 0;
}

async function diffProxy(ctx: CommandContext, arg: string): Promise<number> {
  const target = await resolveProxyTarget(ctx, arg);
  const istiod = await controlPlaneDump(ctx, target, 'current');
  let envoy: ConfigDump | undefined;
  let why = target.noAdmin;
  if (target.admin) {
    try {
      envoy = await adminJson<ConfigDump>(`${target.admin}/config_dump`);
    } catch (e) {
      if (!(e instanceof AdminUnreachableError)) throw e;
      why = `the proxy admin of ${target.pod}.${target.namespace} did not answer (${e.message})`;
    }
  }
  if (!envoy) {
    envoy = await controlPlaneDump(ctx, target, 'sent');
    ctx.io.stderr.write(`note: ${why}; comparing with what the control plane last sent this proxy instead of what it runs\n`);
  }
  ctx.io.stdout.write(compareDumps(istiod, envoy));
  return 0;
}
