// `skiff scale deploy NAME --replicas N` (or `deployment/NAME`): sets spec.replicas with a merge
// patch; the runtime's Deployment controller adds or removes pods.
import type { Command } from 'commander';
import { action, eachObject, type CommandDeps } from '../command-support.js';
import { CliError, cliError } from '../cli-error.js';
import { objectRef, parseTypeAndNames } from '../resource-ref.js';
import { DEPLOYMENT_INFO } from '../runtime/pod-target.js';
import { toCliError } from '../server-errors.js';

interface ScaleFlags {
  replicas?: string;
  currentReplicas?: string;
}

export function registerScale(program: Command, deps: CommandDeps): void {
  program.command('scale')
    .description('Set a new size for a deployment')
    .argument('<type-and-names...>', 'deploy NAME… or deploy/NAME…')
    .option('--replicas <count>', 'the new number of replicas (required)')
    .option('--current-replicas <count>', 'precondition: scale only if the deployment has this many replicas now')
    .action(action(deps, async (ctx, cmd) => {
      const flags = cmd.opts<ScaleFlags>();
      if (flags.replicas === undefined) throw cliError('required flag(s) "replicas" not set');
      const replicas = Number(flags.replicas);
      if (!/^\d+$/.test(flags.replicas) || !Number.isSafeInteger(replicas)) {
        throw cliError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
      }
      const current = flags.currentReplicas === undefined ? undefined : Number(flags.currentReplicas);
      if (current !== undefined && !Number.isInteger(current)) throw cliError(`invalid argument "${flags.currentReplicas}" for "--current-replicas" flag`);
      const { groups } = parseTypeAndNames(cmd.processedArgs[0] as string[], 'scale');
      const objects = groups.flatMap((g) => g.names.map((name) => ({ info: g.info, name })));
      if (objects.length === 0) throw cliError('resource(s) were provided, but no name was specified');
      for (const o of objects) {
        if (o.info !== DEPLOYMENT_INFO) throw cliError(`cannot scale ${o.info.plural} "${o.name}": Skiff scales deployments`);
      }
      const ok = await eachObject(ctx, objects, async ({ info, name }) => {
        const target = { info, version: info.versions[0]!, namespace: ctx.namespace, name };
        try {
          if (current !== undefined) {
            const live = await ctx.client().get(target);
            const now = (live.spec as { replicas?: number } | undefined)?.replicas ?? 1;
            if (now !== current) throw cliError(`Expected replicas to be ${current}, was ${now}`);
          }
          await ctx.client().mergePatch(target, { spec: { replicas } });
        } catch (e) {
          if (e instanceof CliError) throw e;
          throw toCliError(e, { info, name, op: 'patch' });
        }
        ctx.io.stdout.write(`${objectRef(info, name)} scaled\n`);
      });
      return ok ? 0 : 1;
    }));
}
