// Every sample manifest we ship (Istio's Bookinfo shapes) loads and validates cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadPaths } from '../../src/config/load-files.js';
import { validateLoaded } from '../../src/config/validate.js';
import { formatConfigError } from '../../src/config/errors.js';
import { repoRoot } from '../testkit/repo-root.js';

test('every sample manifest validates', async () => {
  const { resources, errors } = await loadPaths([join(repoRoot(), 'samples')]);
  assert.deepEqual(errors.map(formatConfigError), []);
  assert.ok(resources.length >= 40, `only ${resources.length} resources found under samples/`);
  const problems = resources.flatMap((r) => {
    const res = validateLoaded(r);
    return res.ok ? [] : res.errors.map(formatConfigError);
  });
  assert.deepEqual(problems, []);
});
