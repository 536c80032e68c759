// `skiff analyze [FILE…]`: istioctl analyze. Analyzes the live configuration of the control plane,
// with the named files laid over it as if they were applied (or the files alone with
// --use-kube=false). Exit codes as istioctl: 79 when a message reaches --failure-threshold, 3
// when a file could not be parsed.
import type { Command } from 'commander';
import { ANALYZERS, analysisJson, analyze, formatAnalysis, type AnalysisInput, type AnalysisMessage } from '../../config/analyzers/index.js';
import { formatConfigError } from '../../config/errors.js';
import { KINDS, groupKind } from '../../config/kinds.js';
import { loadPaths } from '../../config/load-files.js';
import { splitApiVersion, type Resource } from '../../config/resource.js';
import { ApiError } from '../client/api-errors.js';
import { action, type CommandDeps } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { cliError, CliError } from '../cli-error.js';
import { colorsFor } from '../colors.js';
import { toYaml } from '../printers/object-printer.js';

const LEVELS = ['Info', 'Warning', 'Error'] as const;
type Level = (typeof LEVELS)[number];
const EXIT_DATA_ERROR = 3;
const EXIT_ANALYZER_FOUND_ISSUES = 79;
const DOCS = 'https://istio.io/latest/docs/reference/config/analysis';

interface AnalyzeFlags {
  useKube: boolean;
  recursive?: boolean;
  output: string;
  failureThreshold: Level;
  outputThreshold: Level;
  suppress: string[];
  listAnalyzers?: boolean;
}

export function registerAnalyze(program: Command, deps: CommandDeps): void {
  program.command('analyze')
    .description('Analyze Istio configuration and print validation messages (istioctl analyze)')
    .argument('[files...]', 'files or directories to analyze, laid over the live configuration; - reads stdin')
    .option('-k, --use-kube <bool>', 'use the live control plane; --use-kube=false analyzes the files alone', parseBool, true)
    .option('-R, --recursive', 'process directory arguments recursively')
    .option('-o, --output <format>', 'log|json|yaml', 'log')
    .option('--failure-threshold <level>', 'severity at which to exit non-zero: Info|Warning|Error', parseLevel, 'Error')
    .option('--output-threshold <level>', 'severity at which to print messages: Info|Warning|Error', parseLevel, 'Info')
    .option('-S, --suppress <code=resource>', 'suppress a code on a resource, e.g. "IST0102=Namespace default" (* matches any part); repeatable', (v: string, prev: string[]) => [...prev, v], [])
    .option('-L, --list-analyzers', 'list the analyzers and exit')
    .action(action(deps, async (ctx, cmd) => runAnalyze(ctx, cmd.processedArgs[0] as string[], cmd.opts<AnalyzeFlags>())));
}

function parseBool(v: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw cliError(`invalid boolean "${v}": expected true or false`);
}

function parseLevel(v: string): Level {
  const level = LEVELS.find((l) => l.toLowerCase() === v.toLowerCase());
  if (!level) throw cliError(`invalid level "${v}": expected one of ${LEVELS.join(', ')}`);
  return level;
}

async function runAnalyze(ctx: CommandContext, files: string[], flags: AnalyzeFlags): Promise<number> {
  if (flags.listAnalyzers) {
    ctx.io.stdout.write(ANALYZERS.map((a) => `* ${a.name}\n`).sort().join(''));
    return 0;
  }
  if (!['log', 'json', 'yaml'].includes(flags.output)) throw new CliError(`error: ${flags.output} not a valid option for format. See skiff analyze --help`, 2);
  const suppressions = flags.suppress.map(parseSuppression);

  const { resources, errors } = await loadPaths(files, { recursive: flags.recursive ?? false, stdin: () => ctx.io.readStdin() });
  for (const e of errors) ctx.io.stderr.write(`Error(s) adding files: ${formatConfigError(e)}\n`);
  const fileInputs: AnalysisInput[] = resources.map((r) => ({ resource: r.resource, file: r.file, positionOf: r.positionOf }));
  const inputs = flags.useKube ? overlay(await liveResources(ctx), fileInputs, ctx.namespace) : fileInputs;

  const all = analyze(inputs, { namespace: ctx.namespace, allNamespaces: ctx.allNamespaces })
    .filter((m) => !suppressions.some((s) => s.code === m.code && s.resource.test(m.resource)));
  const shown = all.filter((m) => rank(m.level) >= rank(flags.outputThreshold));
  const target = ctx.allNamespaces ? 'all namespaces' : `namespace: ${ctx.namespace}`;

  if (flags.output === 'json') ctx.io.stdout.write(`${JSON.stringify(analysisJson(shown), null, '\t')}\n`);
  else if (flags.output === 'yaml') ctx.io.stdout.write(toYaml(analysisJson(shown)));
  else if (shown.length > 0) ctx.io.stdout.write(`${colorize(ctx, shown)}\n`);
  if (shown.length === 0) {
    const analyzed = files.length > 0 ? { files } : {};
    const line = errors.length === 0
      ? formatAnalysis([], { namespace: ctx.namespace, allNamespaces: ctx.allNamespaces, ...analyzed })
      : `No validation issues found when analyzing ${target} (but ${errors.length} ${errors.length === 1 ? 'file' : 'files'} could not be parsed).`;
    ctx.io.stderr.write(`${line}\n`);
  }
  // As in istioctl, only the log format turns findings into an exit code.
  if (flags.output !== 'log') return 0;
  if (all.some((m) => rank(m.level) >= rank(flags.failureThreshold))) {
    ctx.io.stderr.write(`Error: Analyzers found issues when analyzing ${target}.\nSee ${DOCS} for more information about causes and resolutions.\n`);
    return EXIT_ANALYZER_FOUND_ISSUES;
  }
  return errors.length > 0 ? EXIT_DATA_ERROR : 0;
}

function rank(level: string): number {
  return LEVELS.indexOf(level as Level);
}

function colorize(ctx: CommandContext, messages: AnalysisMessage[]): string {
  const c = colorsFor(ctx.io.stdout, ctx.io.env);
  const paint: Record<string, (s: string) => string> = { Error: (s) => c.bold(c.red(s)), Warning: c.yellow, Info: (s) => s };
  return formatAnalysis(messages).split('\n').map((line, i) => {
    const level = messages[i]?.level;
    return level && line.startsWith(level) ? paint[level]!(level) + line.slice(level.length) : line;
  }).join('\n');
}

function parseSuppression(s: string): { code: string; resource: RegExp } {
  const eq = s.indexOf('=');
  if (eq <= 0 || eq === s.length - 1) throw cliError(`${s} is not a valid suppression value. See skiff analyze --help`);
  const pattern = s.slice(eq + 1).split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return { code: s.slice(0, eq), resource: new RegExp(`^${pattern}$`) };
}

/** Every object the control plane holds, of every kind Skiff knows. */
async function liveResources(ctx: CommandContext): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const info of KINDS) {
    try {
      const list = await ctx.client().list({ info, version: info.versions[0]! });
      out.push(...list.items.map((o) => ({ ...o, apiVersion: o.apiVersion || `${info.group ? `${info.group}/` : ''}${info.versions[0]}`, kind: o.kind || info.kind })));
    } catch (e) {
      // A kind this control plane does not serve simply has no live objects.
      if (e instanceof ApiError && e.code === 404) continue;
      throw e;
    }
  }
  return out;
}

/** Files win over live objects of the same kind, namespace and name: "as if applied". */
function overlay(live: Resource[], files: AnalysisInput[], defaultNamespace: string): AnalysisInput[] {
  const key = (r: Resource) => {
    const { group } = splitApiVersion(String(r.apiVersion ?? ''));
    const meta = (r.metadata ?? {}) as Partial<Resource['metadata']>;
    return `${groupKind(group, String(r.kind))}|${meta.namespace ?? defaultNamespace}|${meta.name ?? ''}`;
  };
  const fromFiles = new Set(files.map((f) => key(f.resource)));
  return [...live.filter((r) => !fromFiles.has(key(r))).map((resource) => ({ resource })), ...files];
}
