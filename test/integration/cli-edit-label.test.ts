// skiff label / annotate / edit: metadata updates with kubectl's rules and wording, and edit's
// open-validate-save loop driven by a scripted $EDITOR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, startMesh } from './cli-harness.js';

const NET = (f: string) => fixture('bookinfo', 'networking', f);

test('label and annotate: set, overwrite only with --overwrite, remove, no-op', async (t) => {
  const { run } = await startMesh(t);
  await run(['apply', '-f', NET('virtual-service-reviews-80-20.yaml')]);
  assert.equal((await run(['label', 'vs', 'reviews', 'team=books', 'tier=backend'])).stdout, 'virtualservice.networking.istio.io/reviews labeled\n');
  const clash = await run(['label', 'vs', 'reviews', 'team=movies']);
  assert.deepEqual([clash.code, clash.stderr], [1, "error: 'team' already has a value (books), and --overwrite is false\n"]);
  assert.equal((await run(['label', 'vs', 'reviews', 'team=movies', '--overwrite'])).stdout, 'virtualservice.networking.istio.io/reviews labeled\n');
  assert.equal((await run(['label', 'vs/reviews', 'tier-'])).stdout, 'virtualservice.networking.istio.io/reviews labeled\n');
  assert.equal((await run(['label', 'vs', 'reviews', 'team=movies'])).stdout, 'virtualservice.networking.istio.io/reviews not labeled\n');
  assert.equal((await run(['label', 'vs', 'reviews', 'absent-'])).stdout, 'label "absent" not found.\nvirtualservice.networking.istio.io/reviews not labeled\n');
  const bad = await run(['label', 'vs', 'reviews', 'team=not valid']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error: invalid label spec "team=not valid": invalid label value/);

  assert.equal((await run(['annotate', 'vs', 'reviews', 'owner=Books Team <books@example.com>'])).stdout, 'virtualservice.networking.istio.io/reviews annotated\n');
  const obj = JSON.parse((await run(['get', 'vs', 'reviews', '-o', 'json'])).stdout);
  assert.deepEqual(obj.metadata.labels, { team: 'movies' });
  assert.equal(obj.metadata.annotations.owner, 'Books Team <books@example.com>');
  // A later apply keeps labels set outside the file, as kubectl's three-way merge does.
  assert.equal((await run(['apply', '-f', NET('virtual-service-reviews-80-20.yaml')])).stdout, 'virtualservice.networking.istio.io/reviews unchanged\n');
  assert.equal((await run(['get', 'vs', '-l', 'team=movies', '-o', 'name'])).stdout, 'virtualservice.networking.istio.io/reviews\n');
  const missing = await run(['label', 'vs', 'nope', 'a=b']);
  assert.deepEqual([missing.code, missing.stderr], [1, 'Error from server (NotFound): virtualservices.networking.istio.io "nope" not found\n']);
});

async function editorScript(t: { after(fn: () => Promise<void>): void }, body: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-editor-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'editor.sh');
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

test('edit: saves a change, cancels an unchanged file, reopens an invalid one and gives up on a repeat', async (t) => {
  const { run } = await startMesh(t);
  await run(['apply', '-f', NET('virtual-service-reviews-80-20.yaml')]);

  const toV3 = await editorScript(t, `sed -i 's/subset: v2/subset: v3/' "$1"`);
  const edited = await run(['edit', 'vs', 'reviews'], { env: { EDITOR: toV3 } });
  assert.deepEqual([edited.code, edited.stdout, edited.stderr], [0, 'virtualservice.networking.istio.io/reviews edited\n', '']);
  const obj = JSON.parse((await run(['get', 'vs', 'reviews', '-o', 'json'])).stdout);
  assert.deepEqual(obj.spec.http[0].route.map((r: { destination: { subset: string } }) => r.destination.subset), ['v1', 'v3']);

  const noop = await editorScript(t, 'true');
  const cancelled = await run(['edit', 'vs/reviews'], { env: { KUBE_EDITOR: noop, EDITOR: toV3 } });
  assert.deepEqual([cancelled.code, cancelled.stdout, cancelled.stderr], [0, '', 'Edit cancelled, no changes made.\n']);

  // The editor sets an invalid weight each time it opens the file: the second save is the same
  // invalid content, so edit stops and keeps the file, which holds the error as a comment.
  const breaker = await editorScript(t, `sed -i 's/weight: 80/weight: 180/' "$1"`);
  const failed = await run(['edit', 'vs', 'reviews'], { env: { EDITOR: breaker } });
  assert.equal(failed.code, 1);
  assert.equal(failed.stdout, '');
  const lines = failed.stderr.trimEnd().split('\n');
  assert.match(lines[0]!, /^error: .*skiff-edit-[^/]+\/virtualservice-reviews\.yaml:\d+:\d+: document 1 \(VirtualService default\/reviews\): spec\.http\[0\]\.route\[0\]\.weight: /);
  const kept = /^A copy of your changes has been stored to "(.+)"$/.exec(lines[1]!);
  assert.ok(kept, lines[1]);
  assert.equal(lines[2], 'error: Edit cancelled, no valid changes were saved.');
  const saved = await readFile(kept[1]!, 'utf8');
  t.after(() => rm(join(kept[1]!, '..'), { recursive: true, force: true }));
  assert.match(saved, /^# Please edit the object below\./);
  assert.match(saved, /\n# virtualservices\.networking\.istio\.io "reviews" was not valid:\n# \* .*spec\.http\[0\]\.route\[0\]\.weight: /);
  assert.match(saved, /\n      weight: 180\n/);
  // Nothing reached the server.
  const after = JSON.parse((await run(['get', 'vs', 'reviews', '-o', 'json'])).stdout);
  assert.equal(after.spec.http[0].route[0].weight, 80);

  const nope = await run(['edit', 'vs', 'nope'], { env: { EDITOR: noop } });
  assert.deepEqual([nope.code, nope.stderr], [1, 'Error from server (NotFound): virtualservices.networking.istio.io "nope" not found\n']);
});
