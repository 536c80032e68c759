// The control plane's golden Bookinfo output (test/golden) compiled by the proxy: every resource
// must compile (mTLS transport sockets and SDS names included), or the proxy would NACK it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSnapshot } from '../config-source.js';
import { EMPTY_SNAPSHOT } from './snapshot.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return dir;
    dir = up;
  }
  return dir;
}

for (const name of ['sidecar-productpage', 'ingress-gateway']) {
  const file = join(repoRoot(), 'test', 'golden', `${name}.golden.json`);
  test(`golden ${name}: every resource compiles`, { skip: !existsSync(file) && 'golden file not present' }, () => {
    const resources = JSON.parse(readFileSync(file, 'utf8'));
    const { snapshot, errors } = buildSnapshot(EMPTY_SNAPSHOT, resources, '1');
    assert.deepEqual(errors, []);
    assert.ok(snapshot.routes.size > 0 && snapshot.listeners.size > 0);
  });
}
