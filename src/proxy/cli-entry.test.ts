import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMetadata, parsePlainProxyArgs, proxyMain, ProxyFlagError, runProxyFlags, type ProxyFlags } from './cli-entry.js';

const NODE = 'sidecar~127.0.0.1~reviews-v1-abc.default~default.svc.cluster.local';

test('the plain form parses, with the defaults of the optional flags', () => {
  assert.deepEqual(parsePlainProxyArgs(['--role', 'sidecar', '--node-id', NODE]), {
    role: 'sidecar', nodeId: NODE, xds: '127.0.0.1:15010', meta: [], drainTimeout: '5000',
  });
  assert.deepEqual(
    parsePlainProxyArgs(['--role=router', `--node-id=${NODE}`, '--xds', 'cp:15010', '--admin-port', '0', '--meta', 'A=1', '--meta=LABELS={"app":"x"}', '--drain-timeout', '10']),
    { role: 'router', nodeId: NODE, xds: 'cp:15010', adminPort: '0', meta: ['A=1', 'LABELS={"app":"x"}'], drainTimeout: '10' },
  );
});

test('a repeated flag: the last wins, --meta accumulates', () => {
  const f = parsePlainProxyArgs(['--role', 'sidecar', '--role', 'router', '--node-id', NODE, '--meta', 'A=1', '--meta', 'A=2']);
  assert.equal(f?.role, 'router');
  assert.deepEqual(f?.meta, ['A=1', 'A=2']);
});

test('anything but the plain form is left to the full CLI (help, errors, global options)', () => {
  for (const args of [
    [],
    ['--help'],
    ['-h'],
    ['--version'],
    ['--role', 'sidecar'], // --node-id missing: commander's "required option" error
    ['--node-id', NODE], // --role missing
    ['--role', 'sidecar', '--node-id', NODE, 'extra'], // commander's "too many arguments"
    ['--role', 'sidecar', '--node-id'], // value missing
    ['--role', 'sidecar', '--node-id', NODE, '--drain-timeout', '-5'], // a value that looks like an option
    ['--rol', 'sidecar', '--node-id', NODE], // unknown option (commander suggests --role)
    ['-n', 'foo', '--role', 'sidecar', '--node-id', NODE], // a global option
    ['--role', 'sidecar', '--node-id', NODE, '--'],
  ]) {
    assert.equal(parsePlainProxyArgs(args), undefined, args.join(' '));
  }
});

test('parseMetadata: KEY=value, JSON objects and arrays, errors naming the flag', () => {
  assert.deepEqual(parseMetadata(['NAMESPACE=default', 'LABELS={"app":"reviews"}', 'L=[1]', 'E=']), { NAMESPACE: 'default', LABELS: { app: 'reviews' }, L: [1], E: '' });
  assert.throws(() => parseMetadata(['novalue']), { message: 'invalid --meta "novalue": expected KEY=value' });
  assert.throws(() => parseMetadata(['=x']), ProxyFlagError);
  assert.throws(() => parseMetadata(['X={bad']), { message: 'invalid --meta X: the value starts like JSON but does not parse' });
});

test('bad values are ProxyFlagErrors naming the flag, before anything starts', async () => {
  const base: ProxyFlags = { role: 'sidecar', nodeId: NODE, xds: '127.0.0.1:15010', meta: [], drainTimeout: '5000' };
  const sink = { write: () => true };
  const cases: [Partial<ProxyFlags>, string][] = [
    [{ role: 'bogus' }, 'invalid --role "bogus": expected sidecar or router'],
    [{ xds: 'nope' }, 'invalid --xds "nope": expected host:port'],
    [{ drainTimeout: 'abc' }, 'invalid --drain-timeout "abc": expected milliseconds'],
    [{ meta: ['x'] }, 'invalid --meta "x": expected KEY=value'],
    [{ nodeId: 'bad' }, 'invalid proxy node id "bad": expected type~IP~POD.NAMESPACE~DOMAIN (4 parts separated by "~")'],
    [{ adminPort: '99999' }, 'invalid --admin-port "99999": expected a port number between 0 and 65535'],
  ];
  for (const [change, message] of cases) {
    await assert.rejects(runProxyFlags({ ...base, ...change }, sink), (e: unknown) => e instanceof ProxyFlagError && e.message === message, message);
  }
});

test('proxyMain prints a bad value as the CLI does and returns 1; hands the rest back', async (t) => {
  const written: string[] = [];
  t.mock.method(process.stderr, 'write', (s: string) => { written.push(s); return true; });
  assert.equal(await proxyMain(['--role', 'bogus', '--node-id', NODE]), 1);
  assert.equal(await proxyMain(['--help']), undefined);
  t.mock.restoreAll();
  assert.deepEqual(written, ['error: invalid --role "bogus": expected sidecar or router\n']);
});
