// `skiff edit KIND NAME`: open the live object in $KUBE_EDITOR / $EDITOR (default vi), validate
// what was saved, and replace the object with it. As kubectl does, an invalid save reopens the
// file with the errors written at the top; saving the same invalid content again gives up and
// keeps the file.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatConfigError } from '../../config/errors.js';
import type { KindInfo } from '../../config/kinds.js';
import type { Resource } from '../../config/resource.js';
import { validateLoaded } from '../../config/validate.js';
import { loadYaml } from '../../config/yaml-loader.js';
import { deepEqual } from '../apply-patch.js';
import { ApiError } from '../client/api-errors.js';
import { action, type CommandDeps } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { cliError } from '../cli-error.js';
import { toYaml } from '../printers/object-printer.js';
import { kindOfResource, objectRef, parseTypeAndNames, resourceQualifier } from '../resource-ref.js';
import { serverErrorText, toCliError } from '../server-errors.js';

const HEADER = [
  "# Please edit the object below. Lines beginning with a '#' will be ignored,",
  '# and an empty file will abort the edit. If an error occurs while saving this file will be',
  '# reopened with the relevant failures.',
  '#',
];

export function registerEdit(program: Command, deps: CommandDeps): void {
  program.command('edit')
    .description('Edit a resource in $KUBE_EDITOR or $EDITOR and save it back')
    .argument('<type-and-name...>', 'TYPE NAME or TYPE/NAME')
    .action(action(deps, async (ctx, cmd) => runEdit(ctx, cmd.processedArgs[0] as string[])));
}

type Attempt = { kind: 'done'; object: Resource } | { kind: 'invalid'; problems: string[] } | { kind: 'cancelled'; message: string };

async function runEdit(ctx: CommandContext, args: string[]): Promise<number> {
  const { groups } = parseTypeAndNames(args, 'edit');
  const targets = groups.flatMap((g) => g.names.map((name) => ({ info: g.info, name })));
  if (targets.length !== 1) throw cliError('edit takes exactly one resource: TYPE NAME or TYPE/NAME');
  const { info, name } = targets[0]!;
  const target = { info, version: info.versions[0]!, namespace: info.namespaced ? ctx.namespace : undefined, name };
  let live: Resource;
  try {
    live = await ctx.client().get(target);
  } catch (e) {
    throw toCliError(e, { info, name, op: 'get' });
  }

  const dir = await mkdtemp(join(tmpdir(), 'skiff-edit-'));
  const file = join(dir, `${info.kind.toLowerCase()}-${name}.yaml`);
  let body = toYaml(live);
  let problems: string[] = [];
  let previousFailedBody: string | undefined;
  for (;;) {
    await writeFile(file, [...HEADER, ...problemLines(info, name, problems), body].join('\n'));
    await runEditor(ctx, file);
    const saved = await readFile(file, 'utf8');
    const edited = stripComments(saved);
    if (previousFailedBody !== undefined && edited === previousFailedBody) {
      ctx.io.stderr.write(`A copy of your changes has been stored to "${file}"\n`);
      throw cliError('Edit cancelled, no valid changes were saved.');
    }
    const attempt = await tryEdit(ctx, target, live, saved, file);
    if (attempt.kind === 'cancelled') {
      ctx.io.stderr.write(`${attempt.message}\n`);
      await rm(dir, { recursive: true, force: true });
      return 0;
    }
    if (attempt.kind === 'done') {
      ctx.io.stdout.write(`${objectRef(info, name)} edited\n`);
      await rm(dir, { recursive: true, force: true });
      return 0;
    }
    for (const p of attempt.problems) ctx.io.stderr.write(`error: ${p}\n`);
    problems = attempt.problems;
    previousFailedBody = edited;
    body = edited;
  }
}

async function tryEdit(ctx: CommandContext, target: { info: KindInfo; version: string; namespace?: string; name: string }, live: Resource, saved: string, file: string): Promise<Attempt> {
  const { resources, errors } = loadYaml(saved, file);
  if (errors.length > 0) return { kind: 'invalid', problems: errors.map(formatConfigError) };
  if (resources.length === 0) return { kind: 'cancelled', message: 'Edit cancelled, saved file was empty.' };
  if (resources.length > 1) return { kind: 'invalid', problems: ['the edited file must hold exactly one object'] };
  const edited = resources[0]!;
  if (deepEqual(edited.resource, live)) return { kind: 'cancelled', message: 'Edit cancelled, no changes made.' };
  const valid = validateLoaded(edited);
  if (!valid.ok) return { kind: 'invalid', problems: valid.errors.map(formatConfigError) };
  const obj = valid.value;
  const info = kindOfResource(obj);
  if (info !== target.info || obj.metadata.name !== target.name || (obj.metadata.namespace ?? target.namespace) !== target.namespace) {
    return { kind: 'invalid', problems: ['At least one of apiVersion, kind, name and namespace was changed'] };
  }
  try {
    return { kind: 'done', object: await ctx.client().replace(target, obj) };
  } catch (e) {
    if (e instanceof ApiError) return { kind: 'invalid', problems: [serverErrorText(e, { info: target.info, name: target.name, op: 'replace' })] };
    throw e;
  }
}

function problemLines(info: KindInfo, name: string, problems: string[]): string[] {
  if (problems.length === 0) return [];
  return [`# ${resourceQualifier(info)} "${name}" was not valid:`, ...problems.map((p) => `# * ${p.replace(/\n/g, '\n#   ')}`), '#'];
}

// The header and error notes are comments; the object's own comments go with them, as in kubectl.
function stripComments(text: string): string {
  return text.split('\n').filter((l) => !l.startsWith('#')).join('\n');
}

function runEditor(ctx: CommandContext, file: string): Promise<void> {
  const editor = ctx.io.env.KUBE_EDITOR || ctx.io.env.EDITOR || 'vi';
  return new Promise((resolve, reject) => {
    const child = spawn(`${editor} '${file.replace(/'/g, `'\\''`)}'`, { shell: true, stdio: 'inherit', env: { ...process.env, ...ctx.io.env } });
    child.on('error', () => reject(cliError(`there was a problem with the editor "${editor}"`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(cliError(`there was a problem with the editor "${editor}"`))));
  });
}
