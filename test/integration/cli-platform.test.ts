// Kubernetes kinds through the CLI: Bookinfo's platform manifest, namespaces created before their
// contents, and kubectl's built-in table columns for Services, Deployments and ServiceAccounts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, maskAge, startMesh } from './cli-harness.js';

test('apply Bookinfo platform; tables for svc, deploy (-o wide), sa; label a namespace for injection', async (t) => {
  const { run } = await startMesh(t);
  const applied = await run(['apply', '-f', fixture('bookinfo', 'platform', 'bookinfo.yaml')]);
  assert.equal(applied.stderr, '');
  assert.equal(applied.stdout, [
    'service/details created', 'serviceaccount/bookinfo-details created', 'deployment.apps/details-v1 created',
    'service/ratings created', 'serviceaccount/bookinfo-ratings created', 'deployment.apps/ratings-v1 created',
    'service/reviews created', 'serviceaccount/bookinfo-reviews created', 'deployment.apps/reviews-v1 created',
    'deployment.apps/reviews-v2 created', 'deployment.apps/reviews-v3 created',
    'service/productpage created', 'serviceaccount/bookinfo-productpage created', 'deployment.apps/productpage-v1 created', '',
  ].join('\n'));
  assert.match((await run(['apply', '-f', fixture('bookinfo', 'platform')])).stdout, /^(\S+ unchanged\n){14}$/);

  const svc = await run(['get', 'svc', '-o', 'wide']);
  assert.equal(svc.stdout.split('\n')[0], 'NAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)    AGE   SELECTOR');
  assert.match(svc.stdout.split('\n')[1]!, /^details       ClusterIP   \S+\s+<none>        9080\/TCP   \S+\s+app=details$/);

  const deploy = await run(['get', 'deployments', '-l', 'app=reviews']);
  assert.equal(maskAge(deploy.stdout),
    'NAME         READY   UP-TO-DATE   AVAILABLE   AGE\n' +
    'reviews-v1   0/1     0            0           <age>\n' +
    'reviews-v2   0/1     0            0           <age>\n' +
    'reviews-v3   0/1     0            0           <age>\n');
  const wide = (await run(['get', 'deploy', 'reviews-v2', '-o', 'wide'])).stdout.split('\n');
  assert.equal(wide[0], 'NAME         READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                                                SELECTOR');
  assert.match(wide[1]!, /^reviews-v2   0\/1     0            0           \d+s\s+reviews      docker\.io\/istio\/examples-bookinfo-reviews-v2:1\.20\.2   app=reviews,version=v2$/);
  assert.equal(wide[1]!.indexOf('reviews  '), wide[0]!.indexOf('CONTAINERS'), 'columns after AGE stay aligned');

  const sa = await run(['get', 'sa', 'bookinfo-reviews']);
  assert.equal(maskAge(sa.stdout), 'NAME               SECRETS   AGE\nbookinfo-reviews   0         <age>\n');

  assert.equal((await run(['label', 'namespace', 'default', 'istio-injection=enabled'])).stdout, 'namespace/default labeled\n');
  assert.equal(JSON.parse((await run(['get', 'ns', 'default', '-o', 'json'])).stdout).metadata.labels['istio-injection'], 'enabled');
});

test('a namespace is created before the objects in it, and deleted after them', async (t) => {
  const { run } = await startMesh(t);
  const file = fixture('cli', 'namespace-and-contents.yaml');
  const applied = await run(['apply', '-f', file]);
  assert.deepEqual([applied.code, applied.stderr], [0, '']);
  assert.equal(applied.stdout, 'namespace/shop created\ngateway.networking.istio.io/shop-gateway created\n');
  assert.equal((await run(['get', 'gw', '-n', 'shop', '-o', 'name'])).stdout, 'gateway.networking.istio.io/shop-gateway\n');
  const deleted = await run(['delete', '-f', file]);
  assert.equal(deleted.stdout, 'gateway.networking.istio.io "shop-gateway" deleted\nnamespace "shop" deleted\n');
});
