// skiff apply / create / replace against a real control plane: kubectl's output, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fixture, startMesh } from './cli-harness.js';

const NET = (f: string) => fixture('bookinfo', 'networking', f);

test('apply: created, then unchanged, then configured', async (t) => {
  const { run } = await startMesh(t);
  const first = await run(['apply', '-f', NET('destination-rule-all.yaml'), '-f', NET('virtual-service-all-v1.yaml')]);
  assert.equal(first.stderr, '');
  assert.equal(first.code, 0);
  assert.equal(first.stdout,
    'destinationrule.networking.istio.io/productpage created\n' +
    'destinationrule.networking.istio.io/reviews created\n' +
    'destinationrule.networking.istio.io/ratings created\n' +
    'destinationrule.networking.istio.io/details created\n' +
    'virtualservice.networking.istio.io/productpage created\n' +
    'virtualservice.networking.istio.io/reviews created\n' +
    'virtualservice.networking.istio.io/ratings created\n' +
    'virtualservice.networking.istio.io/details created\n');

  const again = await run(['apply', '-f', NET('virtual-service-all-v1.yaml')]);
  assert.equal(again.code, 0);
  assert.equal(again.stdout,
    'virtualservice.networking.istio.io/productpage unchanged\n' +
    'virtualservice.networking.istio.io/reviews unchanged\n' +
    'virtualservice.networking.istio.io/ratings unchanged\n' +
    'virtualservice.networking.istio.io/details unchanged\n');

  for (const [file, weights] of [['virtual-service-reviews-80-20.yaml', [80, 20]], ['virtual-service-reviews-90-10.yaml', [90, 10]], ['virtual-service-reviews-50-v3.yaml', [50, 50]]] as const) {
    const changed = await run(['apply', '-f', NET(file)]);
    assert.equal(changed.stdout, 'virtualservice.networking.istio.io/reviews configured\n', file);
    const json = JSON.parse((await run(['get', 'vs', 'reviews', '-o', 'json'])).stdout);
    assert.deepEqual(json.spec.http[0].route.map((r: { weight: number }) => r.weight), weights, file);
  }
  // Back to the single-subset route: the weights the previous file set are gone.
  assert.equal((await run(['apply', '-f', NET('virtual-service-reviews-v3.yaml')])).stdout, 'virtualservice.networking.istio.io/reviews configured\n');
  const v3 = JSON.parse((await run(['get', 'vs', 'reviews', '-o', 'json'])).stdout);
  assert.deepEqual(v3.spec.http, [{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }]);
});

test('apply a whole directory (recursive by default) and from stdin', async (t) => {
  const { run } = await startMesh(t);
  const dir = await run(['apply', '-f', fixture('bookinfo', 'egress')]);
  assert.equal(dir.code, 0, dir.stderr);
  assert.equal(dir.stdout,
    'serviceentry.networking.istio.io/cnn created\n' +
    'gateway.networking.istio.io/istio-egressgateway created\n' +
    'destinationrule.networking.istio.io/egressgateway-for-cnn created\n' +
    'virtualservice.networking.istio.io/direct-cnn-through-egress-gateway created\n' +
    'serviceentry.networking.istio.io/httpbin-ext created\n' +
    'virtualservice.networking.istio.io/httpbin-ext created\n');
  const stdin = await run(['apply', '-f', '-'], { stdin: await readFile(NET('bookinfo-gateway.yaml'), 'utf8') });
  assert.equal(stdin.code, 0, stdin.stderr);
  assert.equal(stdin.stdout, 'gateway.networking.istio.io/bookinfo-gateway created\nvirtualservice.networking.istio.io/bookinfo created\n');
});

test('an invalid document is reported with file:line and the valid ones still apply', async (t) => {
  const { run } = await startMesh(t);
  const file = fixture('cli', 'bad-virtual-service.yaml');
  const res = await run(['apply', '-f', file]);
  assert.equal(res.code, 1);
  assert.equal(res.stdout, 'virtualservice.networking.istio.io/good-ratings created\n');
  assert.equal(res.stderr, `error: error validating "${file}": ${file}:27:7: document 2 (VirtualService bad-reviews): spec.http[0].route[0].weight: expected a whole-number weight between 0 and 100\n`);
  const missing = await run(['get', 'vs', 'bad-reviews']);
  assert.equal(missing.stderr, 'Error from server (NotFound): virtualservices.networking.istio.io "bad-reviews" not found\n');
});

test('namespaces: the file wins over the default, -n fills a missing one, a clash is refused', async (t) => {
  const { run } = await startMesh(t);
  const file = fixture('cli', 'other-namespace.yaml');
  assert.equal((await run(['apply', '-f', file])).stdout, 'destinationrule.networking.istio.io/reviews created\n');
  assert.equal((await run(['get', 'dr', '-n', 'istio-system', '-o', 'name'])).stdout, 'destinationrule.networking.istio.io/reviews\n');
  assert.equal((await run(['get', 'dr'])).stderr, 'No resources found in default namespace.\n');
  const clash = await run(['apply', '-n', 'default', '-f', file]);
  assert.equal(clash.code, 1);
  assert.equal(clash.stdout, '');
  assert.equal(clash.stderr, 'error: the namespace from the provided object "istio-system" does not match the namespace "default". You must pass \'--namespace=istio-system\' to perform this operation.\n');
  const filled = await run(['apply', '-n', 'istio-system', '-f', NET('virtual-service-details-v2.yaml')]);
  assert.equal(filled.stdout, 'virtualservice.networking.istio.io/details created\n');
  assert.equal(JSON.parse((await run(['get', 'vs', 'details', '-n', 'istio-system', '-o', 'json'])).stdout).metadata.namespace, 'istio-system');
  // The server refuses a namespace that does not exist, and says which.
  const nowhere = await run(['apply', '-n', 'nowhere', '-f', NET('virtual-service-details-v2.yaml')]);
  assert.equal(nowhere.code, 1);
  assert.equal(nowhere.stderr, `Error from server (NotFound): error when creating "${NET('virtual-service-details-v2.yaml')}": namespaces "nowhere" not found\n`);
});

test('create refuses what exists; replace overwrites and refuses what does not', async (t) => {
  const { run } = await startMesh(t);
  const file = NET('virtual-service-reviews-test-v2.yaml');
  assert.equal((await run(['create', '-f', file])).stdout, 'virtualservice.networking.istio.io/reviews created\n');
  const dup = await run(['create', '-f', file]);
  assert.equal(dup.code, 1);
  assert.equal(dup.stderr, `Error from server (AlreadyExists): error when creating "${file}": virtualservices.networking.istio.io "reviews" already exists\n`);
  const replaced = await run(['replace', '-f', NET('virtual-service-reviews-v3.yaml')]);
  assert.equal(replaced.stdout, 'virtualservice.networking.istio.io/reviews replaced\n');
  const absent = NET('virtual-service-ratings-test-delay.yaml');
  const notThere = await run(['replace', '-f', absent]);
  assert.equal(notThere.code, 1);
  assert.equal(notThere.stderr, `Error from server (NotFound): error when replacing "${absent}": virtualservices.networking.istio.io "ratings" not found\n`);
  // A created object has no last-applied record: the first apply warns and adopts it, as kubectl does.
  const adopted = await run(['apply', '-f', NET('virtual-service-reviews-v3.yaml')]);
  assert.equal(adopted.stdout, 'virtualservice.networking.istio.io/reviews configured\n');
  assert.match(adopted.stderr, /^Warning: resource virtualservices\/reviews is missing the kubectl.kubernetes.io\/last-applied-configuration annotation/);
});

test('a missing path and an empty input are errors', async (t) => {
  const { run } = await startMesh(t);
  const missing = await run(['apply', '-f', '/nonexistent/vs.yaml']);
  assert.deepEqual([missing.code, missing.stderr], [1, 'error: the path "/nonexistent/vs.yaml" does not exist\n']);
  const empty = await run(['apply', '-f', '-'], { stdin: '' });
  assert.deepEqual([empty.code, empty.stderr], [1, 'error: no objects passed to apply\n']);
  const noFlag = await run(['apply']);
  assert.equal(noFlag.code, 1);
  assert.match(noFlag.stderr, /^error: must specify -f/);
});
