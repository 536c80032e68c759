// `skiff get pods`, `logs`, `exec` and `load` against a Bookinfo details pod run by the local
// runtime, read as a user reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { skiffCommand } from '../../src/cli/runtime/skiff-command.js';
import { containerLogFile } from '../../src/runtime/local-runtime.js';
import { NAMESPACE, appPort, detailsDeployment, startRuntimeMesh, until } from './cli-runtime-harness.js';

test('skiff get pods, logs, exec and load on a running pod', { timeout: 60_000 }, async (t) => {
  const mesh = await startRuntimeMesh(t);
  await mesh.controlPlane.store.create(detailsDeployment(1));
  const [pod] = await mesh.readyPods('details-v1', 1);
  const name = pod!.metadata.name;

  await t.test('get pods and deployments show the pod ready and running', async () => {
    const pods = await mesh.run(['get', 'pods']);
    assert.equal(pods.code, 0, pods.stderr);
    const [header, row] = pods.stdout.trimEnd().split('\n');
    assert.match(header!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.match(row!, new RegExp(`^${name}\\s+1/1\\s+Running\\s+0\\s+\\d+s$`));
    const wide = await mesh.run(['get', 'pods', '-o', 'wide']);
    assert.match(wide.stdout, /IP\s+NODE/);
    assert.match(wide.stdout.split('\n')[1]!, /\s127\.0\.0\.1\s/);
    await until('deployment READY 1/1', () => {
      const d = mesh.controlPlane.store.get({ group: 'apps', kind: 'Deployment' }, NAMESPACE, 'details-v1') as { status?: { readyReplicas?: number } } | undefined;
      return d?.status?.readyReplicas === 1;
    });
    const deploy = await mesh.run(['get', 'deploy']);
    assert.match(deploy.stdout.split('\n')[1]!, /^details-v1\s+1\/1\s+1\s+1\s+/);
  });

  await t.test('logs prints the container output; deploy/NAME picks its pod', async () => {
    // The pod is ready once the app accepts connections; its first line may still be on its way to the file.
    let logs = await mesh.run(['logs', name]);
    for (let i = 0; i < 20 && logs.code === 0 && !logs.stdout.includes('listening on'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      logs = await mesh.run(['logs', name]);
    }
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /details listening on 127\.0\.0\.1:\d+/);
    const byDeploy = await mesh.run(['logs', 'deploy/details-v1', '--tail', '1']);
    assert.equal(byDeploy.code, 0, byDeploy.stderr);
    assert.equal(byDeploy.stdout.split('\n').filter(Boolean).length, 1);
    const missing = await mesh.run(['logs', 'nope']);
    assert.deepEqual([missing.code, missing.stderr], [1, 'Error from server (NotFound): pods "nope" not found\n']);
    const badContainer = await mesh.run(['logs', name, '-c', 'istio-proxy']);
    assert.deepEqual([badContainer.code, badContainer.stderr], [1, `Error from server (BadRequest): container istio-proxy is not valid for pod ${name}\n`]);
  });

  await t.test('logs -f streams lines appended later until interrupted', async () => {
    const follow = mesh.start(['logs', '-f', '--tail', '1', name]);
    // The last existing line arriving shows the stream is open; a line appended after it must follow.
    const last = await until('the log\'s last line', () => follow.stdout().endsWith('\n') && follow.stdout());
    appendFileSync(containerLogFile(mesh.home, NAMESPACE, name, 'details'), 'a line written later\n');
    await until('the appended line', () => follow.stdout().includes('a line written later\n'));
    follow.interrupt();
    const result = await follow.done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(last.split('\n').length, 2, 'one line of history with --tail 1');
    assert.equal(result.stdout, `${last}a line written later\n`);
  });

  await t.test('exec runs a command with the pod\'s environment and passes its exit code on', async () => {
    const env = await mesh.run(['exec', name, '--', process.execPath, '-e', 'console.log(JSON.stringify(process.env))']);
    assert.equal(env.code, 0, env.stderr);
    const vars = JSON.parse(env.stdout) as Record<string, string>;
    assert.equal(vars.POD_NAME, name);
    assert.equal(vars.POD_NAMESPACE, NAMESPACE);
    assert.equal(vars.HOSTNAME, name);
    assert.equal(vars.GREETING, `hello from ${NAMESPACE}`);
    assert.equal(vars.HTTP_PROXY, undefined, 'a pod without a sidecar gets no proxy');

    const failed = await mesh.run(['exec', 'deploy/details-v1', '--', process.execPath, '-e', 'process.exit(3)']);
    assert.deepEqual([failed.code, failed.stderr], [3, 'command terminated with exit code 3\n']);
    const noCommand = await mesh.run(['exec', name]);
    assert.deepEqual([noCommand.code, noCommand.stderr], [1, 'error: you must specify at least one command for the container\n']);
    const missing = await mesh.run(['exec', 'nope', '--', 'true']);
    assert.equal(missing.stderr, 'Error from server (NotFound): pods "nope" not found\n');
  });

  await t.test('exec from a real terminal: the command writes straight to it and its exit code is skiff\'s', async () => {
    const self = skiffCommand();
    const args = [...self.args, '-n', NAMESPACE, 'exec', name, '--', process.execPath, '-e', 'process.stdout.write(process.env.POD_NAME); process.exit(4)'];
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(self.command, args, { env: { ...process.env, SKIFF_HOME: mesh.home }, timeout: 20_000 }, (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
    });
    assert.deepEqual(result, { code: 4, stdout: name, stderr: 'command terminated with exit code 4\n' });
  });

  await t.test('load reports fortio\'s summary; exec runs skiff itself inside the pod', async () => {
    const url = `http://127.0.0.1:${appPort(pod!)}/details/0`;
    const load = await mesh.run(['load', '-c', '2', '-n', '10', '-qps', '0', url]);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /^Code 200 : 10 \(100\.0 %\)$/m);
    assert.match(load.stdout, /^All done 10 calls/m);
    const curl = await mesh.run(['load', '-curl', url]);
    assert.equal(curl.code, 0, curl.stderr);
    assert.match(curl.stdout, /^HTTP\/1\.1 200 OK\n/);
    assert.match(curl.stdout, /\n\n\{"id":0,"author":"William Shakespeare"/);
    const notFound = await mesh.run(['load', '-n', '2', '-c', '1', '-qps', '0', '-loglevel', 'Warning', url.replace('/details/0', '/nothing')]);
    assert.match(notFound.stdout, /^Code 404 : 2 \(100\.0 %\)$/m);
    assert.match(notFound.stderr, /^\d\d:\d\d:\d\d W Non ok http code 404$/m);
    const bad = await mesh.run(['load', '-bogus', url]);
    assert.deepEqual([bad.code, bad.stderr], [1, 'error: flag provided but not defined: -bogus\n']);

    const inside = await mesh.run(['exec', 'deploy/details-v1', '--', 'skiff', 'load', '-c', '1', '-n', '3', '-qps', '0', url]);
    assert.equal(inside.code, 0, inside.stderr);
    assert.match(inside.stdout, /^Code 200 : 3 \(100\.0 %\)$/m);
  });
});
