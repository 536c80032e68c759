import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SERVER, discoverServer, resolveHome } from './context.js';

test('server discovery: --server, then SKIFF_SERVER, then <home>/run/endpoints.json, then the default port', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'skiff-ctx-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  assert.equal(discoverServer(undefined, {}, home), DEFAULT_SERVER);
  mkdirSync(join(home, 'run'));
  writeFileSync(join(home, 'run', 'endpoints.json'), JSON.stringify({ pid: 1, api: 'http://127.0.0.1:40001' }));
  assert.equal(discoverServer(undefined, {}, home), 'http://127.0.0.1:40001');
  assert.equal(discoverServer(undefined, { SKIFF_SERVER: 'http://127.0.0.1:40002/' }, home), 'http://127.0.0.1:40002');
  assert.equal(discoverServer('http://127.0.0.1:40003', { SKIFF_SERVER: 'http://127.0.0.1:40002' }, home), 'http://127.0.0.1:40003');
  writeFileSync(join(home, 'run', 'endpoints.json'), '{not json');
  assert.equal(discoverServer(undefined, {}, home), DEFAULT_SERVER);
});

test('home: --home, then SKIFF_HOME, then ~/.skiff', () => {
  assert.equal(resolveHome('/tmp/a', { SKIFF_HOME: '/tmp/b' }), '/tmp/a');
  assert.equal(resolveHome(undefined, { SKIFF_HOME: '/tmp/b' }), '/tmp/b');
  assert.match(resolveHome(undefined, {}), /\.skiff$/);
});
