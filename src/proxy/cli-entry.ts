// `skiff proxy` without the rest of the CLI. bin/skiff.js hands the `proxy` verb here, so a sidecar
// or gateway process loads the proxy and nothing else: commander, the resource schemas, the runtime
// and the API client would add ~20 MB of RSS to every sidecar the runtime starts.
//
// Only the plain form the runtime (and a person) writes is parsed here: `--flag value` or
// `--flag=value` for the proxy's own flags. Anything else (--help, an unknown or incomplete option,
// a global option, an extra argument) returns undefined and bin/skiff.js runs the full CLI, whose
// commander definition (src/cli/commands/proxy.ts) prints the help and the errors. The checks of
// the values themselves, and running the proxy, are here and shared with that command.

import { parseNodeId } from '../xds/node-id.js';

export interface ProxyFlags {
  role: string;
  nodeId: string;
  xds: string;
  adminPort?: string;
  meta: string[];
  drainTimeout: string;
}

/** Defaults of the optional flags, as `skiff proxy --help` shows them. */
export const PROXY_FLAG_DEFAULTS = { xds: '127.0.0.1:15010', drainTimeout: '5000' } as const;

/** A bad flag value: printed as `error: <message>`, exit code 1. */
export class ProxyFlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyFlagError';
  }
}

/** The flags' long names (commander's spelling) → the field they set. */
const FLAG_FIELDS: ReadonlyMap<string, 'role' | 'nodeId' | 'xds' | 'adminPort' | 'meta' | 'drainTimeout'> = new Map([
  ['--role', 'role'],
  ['--node-id', 'nodeId'],
  ['--xds', 'xds'],
  ['--admin-port', 'adminPort'],
  ['--meta', 'meta'],
  ['--drain-timeout', 'drainTimeout'],
] as const);

/** The long flag names this parser knows (a test checks they are the commander command's). */
export const PROXY_FLAG_NAMES: readonly string[] = [...FLAG_FIELDS.keys()];

/**
 * The flags from the arguments after `proxy`, or undefined when they are not in the plain form
 * (the full CLI then parses them and prints help or the error). The last of a repeated flag wins,
 * `--meta` accumulates, as with commander.
 */
export function parsePlainProxyArgs(args: readonly string[]): ProxyFlags | undefined {
  const seen: Partial<Record<'role' | 'nodeId' | 'xds' | 'adminPort' | 'drainTimeout', string>> = {};
  const meta: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const field = FLAG_FIELDS.get(name);
    if (!field) return undefined;
    let value: string;
    if (eq > 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = args[i + 1];
      // A value that looks like an option is left to commander, which knows what it means.
      if (next === undefined || next.startsWith('-')) return undefined;
      value = next;
      i++;
    }
    if (field === 'meta') meta.push(value);
    else seen[field] = value;
  }
  if (seen.role === undefined || seen.nodeId === undefined) return undefined;
  return {
    role: seen.role,
    nodeId: seen.nodeId,
    xds: seen.xds ?? PROXY_FLAG_DEFAULTS.xds,
    ...(seen.adminPort === undefined ? {} : { adminPort: seen.adminPort }),
    meta,
    drainTimeout: seen.drainTimeout ?? PROXY_FLAG_DEFAULTS.drainTimeout,
  };
}

function port(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new ProxyFlagError(`invalid ${flag} "${text}": expected a port number between 0 and 65535`);
  return n;
}

/** `KEY=value` pairs; a value that parses as a JSON object or array is sent as one (LABELS, SKIFF_PORT_MAP). */
export function parseMetadata(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ProxyFlagError(`invalid --meta "${pair}": expected KEY=value`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    if (/^[[{]/.test(raw)) {
      try {
        value = JSON.parse(raw);
      } catch {
        throw new ProxyFlagError(`invalid --meta ${key}: the value starts like JSON but does not parse`);
      }
    }
    out[key] = value;
  }
  return out;
}

/**
 * Checks the flags (ProxyFlagError naming the flag), starts the proxy and runs it until a signal
 * drains it: startProxy's handlers exit the process, so this never resolves.
 */
export async function runProxyFlags(flags: ProxyFlags, stderr: { write(s: string): unknown }): Promise<never> {
  if (flags.role !== 'sidecar' && flags.role !== 'router') throw new ProxyFlagError(`invalid --role "${flags.role}": expected sidecar or router`);
  if (!/^[^:]+:\d+$/.test(flags.xds)) throw new ProxyFlagError(`invalid --xds "${flags.xds}": expected host:port`);
  if (!/^\d+$/.test(flags.drainTimeout)) throw new ProxyFlagError(`invalid --drain-timeout "${flags.drainTimeout}": expected milliseconds`);
  const drainTimeoutMs = Number(flags.drainTimeout);
  const nodeMetadata = parseMetadata(flags.meta);
  try {
    parseNodeId(flags.nodeId);
  } catch (e) {
    throw new ProxyFlagError((e as Error).message);
  }
  const adminPort = flags.adminPort === undefined ? undefined : port(flags.adminPort, '--admin-port');
  const { startProxy } = await import('./main.js');
  const proxy = await startProxy({
    role: flags.role,
    nodeId: flags.nodeId,
    xdsAddress: flags.xds,
    nodeMetadata,
    adminPort,
    drainTimeoutMs,
    handleSignals: true,
    log: (m) => stderr.write(`${new Date().toISOString()} ${m}\n`),
  });
  const admin = proxy.adminAddress();
  stderr.write(`${new Date().toISOString()} skiff proxy ${flags.role} ${flags.nodeId} connecting to ${flags.xds}${admin ? `, admin on 127.0.0.1:${admin.port}` : ''}\n`);
  return new Promise<never>(() => undefined);
}

/**
 * bin/skiff.js's `proxy` verb: the arguments after `proxy`. Returns undefined when the full CLI must
 * parse them; otherwise runs the proxy (never returning) or returns exit code 1 after printing the
 * error, as the CLI prints it.
 */
export async function proxyMain(args: readonly string[]): Promise<number | undefined> {
  const flags = parsePlainProxyArgs(args);
  if (!flags) return undefined;
  try {
    return await runProxyFlags(flags, process.stderr);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`error: ${err.message}\n`);
    if (!(e instanceof ProxyFlagError) && process.env.SKIFF_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
    return 1;
  }
}
