// `skiff rollout restart deploy NAME` and `skiff rollout status deploy NAME [--timeout D]`, as
// kubectl does them: a restart stamps the pod template with `kubectl.kubernetes.io/restartedAt`
// (a template change, so the Deployment controller rolls every pod), and status follows the
// Deployment until every replica runs the new template and is available.
import type { Command } from 'commander';
import type { KindInfo } from '../../config/kinds.js';
import { action, eachObject, type CommandDeps } from '../command-support.js';
import { CliError, cliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { objectRef, parseTypeAndNames } from '../resource-ref.js';
import { parseGoDuration } from '../runtime/go-duration.js';
import { DEPLOYMENT_INFO } from '../runtime/pod-target.js';
import { deploymentRolloutStatus, rfc3339, type DeploymentView } from '../runtime/rollout-status.js';
import { toCliError } from '../server-errors.js';

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const POLL_MS = 250;

export function registerRollout(program: Command, deps: CommandDeps): void {
  const rollout = program.command('rollout').description('Manage the rollout of a deployment');
  rollout.command('restart')
    .description('Restart a deployment: its pods are replaced one by one')
    .argument('<type-and-names...>', 'deploy NAME… or deploy/NAME…')
    .action(action(deps, async (ctx, cmd) => runRestart(ctx, targets(cmd.processedArgs[0] as string[], 'restart'))));
  rollout.command('status')
    .description('Show the status of a rollout, waiting until it completes')
    .argument('<type-and-name...>', 'deploy NAME or deploy/NAME')
    .option('--timeout <duration>', 'how long to wait before giving up; 0 waits forever', '0s')
    .option('-w, --watch [bool]', 'watch the rollout until it completes (--watch=false prints the status once)')
    .action(action(deps, async (ctx, cmd) => {
      const list = targets(cmd.processedArgs[0] as string[], 'status');
      if (list.length !== 1) throw cliError('rollout status is only supported on individual resources and resource collections are not supported yet');
      const flags = cmd.opts<{ timeout: string; watch?: string | boolean }>();
      const watch = flags.watch === undefined || flags.watch === true || flags.watch === 'true';
      if (!watch && flags.watch !== 'false') throw cliError(`invalid argument "${String(flags.watch)}" for "-w, --watch" flag: expected true or false`);
      return runStatus(ctx, list[0]!.name, parseGoDuration(flags.timeout, '--timeout'), watch);
    }));
}

function targets(args: string[], verb: string): { info: KindInfo; name: string }[] {
  const { groups } = parseTypeAndNames(args, `rollout ${verb}`);
  const list = groups.flatMap((g) => g.names.map((name) => ({ info: g.info, name })));
  if (list.length === 0) throw cliError('required resource not specified');
  for (const t of list) if (t.info !== DEPLOYMENT_INFO) throw cliError(`${objectRef(t.info, t.name)} ${verb === 'restart' ? 'restarting' : 'rollout status'} is not supported: Skiff rolls out deployments`);
  return list;
}

async function runRestart(ctx: CommandContext, list: { info: KindInfo; name: string }[]): Promise<number> {
  const ok = await eachObject(ctx, list, async ({ info, name }) => {
    const target = { info, version: info.versions[0]!, namespace: ctx.namespace, name };
    const now = rfc3339(new Date());
    try {
      const live = await ctx.client().get(target);
      const annotations = (live.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined)?.template?.metadata?.annotations;
      if (annotations?.[RESTARTED_AT] === now) {
        throw cliError(`failed to create patch for ${name}: if restart has already been triggered within the past second, please wait before attempting to trigger another`);
      }
      await ctx.client().mergePatch(target, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: now } } } } });
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw toCliError(e, { info, name, op: 'patch' });
    }
    ctx.io.stdout.write(`${objectRef(info, name)} restarted\n`);
  });
  return ok ? 0 : 1;
}

async function runStatus(ctx: CommandContext, name: string, timeoutMs: number, watch: boolean): Promise<number> {
  const target = { info: DEPLOYMENT_INFO, version: DEPLOYMENT_INFO.versions[0]!, namespace: ctx.namespace, name };
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  let last = '';
  for (;;) {
    let deployment: DeploymentView;
    try {
      deployment = (await ctx.client().get(target)) as DeploymentView;
    } catch (e) {
      throw toCliError(e, { info: DEPLOYMENT_INFO, name, op: 'get' });
    }
    const { message, done } = deploymentRolloutStatus(deployment);
    // kubectl prints on every change it sees; polling, Skiff prints each new line once.
    if (message !== last) ctx.io.stdout.write(`${message}\n`);
    last = message;
    if (done || !watch) return 0;
    if (Date.now() >= deadline) throw cliError('timed out waiting for the condition');
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}
