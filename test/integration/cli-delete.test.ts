// skiff delete by file and by name, with kubectl's wording and --ignore-not-found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, startMesh } from './cli-harness.js';

const NET = (f: string) => fixture('bookinfo', 'networking', f);

test('delete by file, by name, by TYPE/NAME, --all and --ignore-not-found', async (t) => {
  const { run } = await startMesh(t);
  assert.equal((await run(['apply', '-f', NET('destination-rule-all.yaml'), '-f', NET('virtual-service-all-v1.yaml'), '-f', NET('bookinfo-gateway.yaml')])).code, 0);

  const byFile = await run(['delete', '-f', NET('virtual-service-all-v1.yaml')]);
  assert.equal(byFile.code, 0);
  assert.equal(byFile.stdout,
    'virtualservice.networking.istio.io "productpage" deleted\n' +
    'virtualservice.networking.istio.io "reviews" deleted\n' +
    'virtualservice.networking.istio.io "ratings" deleted\n' +
    'virtualservice.networking.istio.io "details" deleted\n');

  const again = await run(['delete', '-f', NET('virtual-service-all-v1.yaml')]);
  assert.equal(again.code, 1);
  assert.equal(again.stdout, '');
  const file = NET('virtual-service-all-v1.yaml');
  assert.equal(again.stderr.split('\n')[0], `Error from server (NotFound): error when deleting "${file}": virtualservices.networking.istio.io "productpage" not found`);
  assert.equal(again.stderr.split('\n').length, 5);
  const ignored = await run(['delete', '-f', file, '--ignore-not-found']);
  assert.deepEqual([ignored.code, ignored.stdout, ignored.stderr], [0, '', '']);

  const byName = await run(['delete', 'dr', 'reviews', 'ratings']);
  assert.equal(byName.stdout, 'destinationrule.networking.istio.io "reviews" deleted\ndestinationrule.networking.istio.io "ratings" deleted\n');
  const missing = await run(['delete', 'dr', 'reviews']);
  assert.deepEqual([missing.code, missing.stderr], [1, 'Error from server (NotFound): destinationrules.networking.istio.io "reviews" not found\n']);
  const mixed = await run(['delete', 'vs/bookinfo', 'gw/bookinfo-gateway']);
  assert.equal(mixed.stdout, 'virtualservice.networking.istio.io "bookinfo" deleted\ngateway.networking.istio.io "bookinfo-gateway" deleted\n');
  const all = await run(['delete', 'dr', '--all']);
  assert.equal(all.stdout, 'destinationrule.networking.istio.io "details" deleted\ndestinationrule.networking.istio.io "productpage" deleted\n');
  const nothing = await run(['delete', 'dr', '--all']);
  assert.deepEqual([nothing.code, nothing.stderr], [0, 'No resources found\n']);
  // A document whose spec is invalid is still deleted by name; the valid one beside it was applied.
  const bad = fixture('cli', 'bad-virtual-service.yaml');
  await run(['apply', '-f', bad]);
  const byBadFile = await run(['delete', '-f', bad, '--ignore-not-found']);
  assert.deepEqual([byBadFile.code, byBadFile.stdout, byBadFile.stderr], [0, 'virtualservice.networking.istio.io "good-ratings" deleted\n', '']);
  const noName = await run(['delete', 'vs']);
  assert.deepEqual([noName.code, noName.stderr], [1, 'error: resource(s) were provided, but no name was specified\n']);
});
