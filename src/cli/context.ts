// What every command needs from the global flags: where the control plane is, the state dir, and
// the namespace to act in. Server discovery follows the brief order: --server, SKIFF_SERVER, the
// endpoints file `skiff up` writes, then the default port.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiClient } from './client/api-client.js';
import type { CliIO } from './io.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:15014';
export const DEFAULT_NAMESPACE = 'default';

export interface GlobalOptions {
  server?: string;
  home?: string;
  namespace: string;
  allNamespaces?: boolean;
}

export interface CommandContext {
  io: CliIO;
  home: string;
  namespace: string;
  /** Whether the user passed -n: only then does a namespace clash with a file's metadata.namespace. */
  namespaceExplicit: boolean;
  allNamespaces: boolean;
  /** A client for the control plane; created on first use and closed when the command ends. */
  client(): ApiClient;
  serverUrl(): string;
}

export function resolveHome(flag: string | undefined, env: CliIO['env']): string {
  const raw = flag ?? env.SKIFF_HOME ?? join(homedir(), '.skiff');
  return resolve(raw.startsWith('~/') ? join(homedir(), raw.slice(2)) : raw);
}

export function discoverServer(flag: string | undefined, env: CliIO['env'], home: string): string {
  const explicit = flag ?? env.SKIFF_SERVER;
  if (explicit) return explicit.replace(/\/+$/, '');
  try {
    const endpoints = JSON.parse(readFileSync(join(home, 'run', 'endpoints.json'), 'utf8')) as { api?: unknown };
    if (typeof endpoints.api === 'string' && endpoints.api !== '') return endpoints.api.replace(/\/+$/, '');
  } catch {
    // No running mesh has written its endpoints (or the file is unreadable): use the default port.
  }
  return DEFAULT_SERVER;
}

export class ContextHolder {
  private apiClient?: ApiClient;

  constructor(private readonly io: CliIO) {}

  build(cmd: Command): CommandContext {
    const opts = cmd.optsWithGlobals<GlobalOptions>();
    const home = resolveHome(opts.home, this.io.env);
    const root = rootOf(cmd);
    let server: string | undefined;
    const serverUrl = () => (server ??= discoverServer(opts.server, this.io.env, home));
    return {
      io: this.io,
      home,
      namespace: opts.namespace,
      namespaceExplicit: root.getOptionValueSource('namespace') === 'cli',
      allNamespaces: opts.allNamespaces ?? false,
      serverUrl,
      client: () => (this.apiClient ??= new ApiClient(serverUrl())),
    };
  }

  async close(): Promise<void> {
    await this.apiClient?.close();
  }
}

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}
