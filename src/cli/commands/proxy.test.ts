// The lean `skiff proxy` entry (src/proxy/cli-entry.ts) must read the flags exactly as this
// commander definition does, since bin/skiff.js uses one or the other depending on the arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from '../main.js';
import { ContextHolder } from '../context.js';
import type { CliIO } from '../io.js';
import { parsePlainProxyArgs, PROXY_FLAG_NAMES, type ProxyFlags } from '../../proxy/cli-entry.js';

const NODE = 'sidecar~127.0.0.1~reviews-v1-abc.default~default.svc.cluster.local';

function io(): CliIO {
  const sink = { write: () => true };
  return { stdout: sink, stderr: sink, env: {}, readStdin: async () => '', waitForShutdown: () => new Promise(() => undefined) };
}

/** The real program with the proxy command's action replaced by one that records its options. */
async function commanderFlags(args: string[]): Promise<ProxyFlags> {
  const cliIo = io();
  const program = buildProgram(cliIo, { contexts: new ContextHolder(cliIo), setExitCode: () => undefined });
  const proxy = program.commands.find((c) => c.name() === 'proxy') as Command;
  let seen: ProxyFlags | undefined;
  proxy.action((_opts: unknown, cmd: Command) => { seen = cmd.opts<ProxyFlags>(); });
  await program.parseAsync(['node', 'skiff', 'proxy', ...args]);
  assert.ok(seen, 'the proxy action ran');
  return seen;
}

test('the lean parser knows exactly the proxy command\'s flags', () => {
  const cliIo = io();
  const program = buildProgram(cliIo, { contexts: new ContextHolder(cliIo), setExitCode: () => undefined });
  const proxy = program.commands.find((c) => c.name() === 'proxy')!;
  assert.deepEqual(proxy.options.map((o) => o.long).sort(), [...PROXY_FLAG_NAMES].sort());
});

test('the lean parser and commander read the plain forms alike', async () => {
  for (const args of [
    ['--role', 'sidecar', '--node-id', NODE],
    ['--role=router', `--node-id=${NODE}`, '--xds=cp:1', '--admin-port', '0', '--meta', 'A=1', '--meta', 'LABELS={"a":"b"}', '--drain-timeout', '7'],
    ['--node-id', NODE, '--role', 'sidecar', '--role', 'router', '--meta', 'A=1', '--meta=A=2', '--meta='],
  ]) {
    assert.deepEqual({ ...parsePlainProxyArgs(args) }, { ...(await commanderFlags(args)) }, args.join(' '));
  }
});
