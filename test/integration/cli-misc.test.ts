// The verbs that need no objects on a server: validate, version, analyze, and the CLI's own errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runner, startMesh } from './cli-harness.js';

async function homeWithoutServer(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'skiff-cli-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  return home;
}

test('validate works without a control plane and names file:line:column for each error', async (t) => {
  const run = runner(await homeWithoutServer(t));
  const good = await run(['validate', '-f', fixture('bookinfo', 'networking')]);
  assert.deepEqual([good.code, good.stdout, good.stderr], [0, '23 resources valid\n', '']);
  const file = fixture('cli', 'bad-virtual-service.yaml');
  const bad = await run(['validate', '-f', file]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr,
    `${file}:27:7: document 2 (VirtualService bad-reviews): spec.http[0].route[0].weight: expected a whole-number weight between 0 and 100\n` +
    'error: 1 error: 1 of 2 resources invalid\n');
  const syntax = await run(['validate', '-f', '-'], { stdin: 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: x\n  name: y\n' });
  assert.equal(syntax.code, 1);
  assert.match(syntax.stderr, /^<stdin>:5:3: document 1: .*Map keys must be unique/);
});

test('an unreachable control plane, unknown commands and options are one clear line and exit 1', async (t) => {
  const run = runner(await homeWithoutServer(t));
  // Port 9 (discard) on loopback: nothing of ours listens there.
  const env = { SKIFF_SERVER: 'http://127.0.0.1:9' };
  const down = await run(['get', 'vs'], { env });
  assert.deepEqual([down.code, down.stdout, down.stderr], [1, '', 'error: cannot reach the Skiff control plane at http://127.0.0.1:9 (is `skiff up` running?)\n']);
  const apply = await run(['apply', '-f', fixture('bookinfo', 'networking', 'bookinfo-gateway.yaml')], { env });
  assert.deepEqual([apply.code, apply.stderr], [1, 'error: cannot reach the Skiff control plane at http://127.0.0.1:9 (is `skiff up` running?)\n']);
  const bare = await run([]);
  assert.equal(bare.code, 0);
  assert.match(bare.stdout, /^Usage: skiff \[options\] \[command\]\n/);
  assert.match(bare.stdout, /\n  apply \[options\] /);
  const unknown = await run(['frobnicate']);
  assert.deepEqual([unknown.code, unknown.stderr], [1, "error: unknown command 'frobnicate'\n"]);
  const option = await run(['get', 'vs', '--bogus']);
  assert.deepEqual([option.code, option.stderr], [1, "error: unknown option '--bogus'\n"]);
  const version = await run(['version'], { env });
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^client version: \d+\.\d+\.\d+\n$/);
  assert.equal(version.stderr, 'note: cannot reach the Skiff control plane at http://127.0.0.1:9 (is `skiff up` running?)\n');
});

test('version reports the control plane; analyze reads the live config with files laid over it', async (t) => {
  const { run, api } = await startMesh(t);
  const version = await run(['version']);
  assert.match(version.stdout, /^client version: (\S+)\ncontrol plane version: \1\n$/);
  assert.equal((await run(['version', '--short'])).stdout, `${JSON.parse((await run(['version', '-o', 'json'])).stdout).clientVersion.version}\n`);
  const json = JSON.parse((await run(['version', '-o', 'json', '--server', api])).stdout);
  assert.equal(json.serverVersion.version, json.clientVersion.version);

  const net = (f: string) => fixture('bookinfo', 'networking', f);
  await run(['apply', '-f', net('virtual-service-all-v1.yaml')]);
  const live = await run(['analyze']);
  assert.equal(live.code, 79);
  assert.match(live.stdout, /^Error \[IST0101\] \(VirtualService default\/details\) Referenced host not found: "details"\n/);
  assert.match(live.stderr, /Error: Analyzers found issues when analyzing namespace: default\.\n/);
  // Overlaying the DestinationRules removes the subset errors but not the missing hosts.
  const overlaid = await run(['analyze', net('destination-rule-all.yaml')]);
  assert.doesNotMatch(overlaid.stdout, /host\+subset/);
  assert.match(overlaid.stdout, /Referenced host not found/);
  const filesOnly = await run(['analyze', '--use-kube=false', fixture('bookinfo', 'egress', 'httpbin-ext-service-entry.yaml')]);
  assert.deepEqual([filesOnly.code, filesOnly.stdout], [0, '']);
  assert.equal(filesOnly.stderr, `✔ No validation issues found when analyzing ${fixture('bookinfo', 'egress', 'httpbin-ext-service-entry.yaml')}.\n`);
  const asJson = JSON.parse((await run(['analyze', '-o', 'json'])).stdout);
  assert.equal(asJson[0].code, 'IST0101');
});
