// skiff get: kubectl's tables, -o yaml|json|name|wide, selectors, and its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { fixture, maskAge, startMesh } from './cli-harness.js';

const NET = (f: string) => fixture('bookinfo', 'networking', f);

test('get: tables per kind, kind-qualified names, -A, -o name/yaml/json, selectors', async (t) => {
  const { run } = await startMesh(t);
  const applied = await run(['apply', '-f', NET('bookinfo-gateway.yaml'), '-f', NET('destination-rule-all.yaml'), '-f', NET('virtual-service-all-v1.yaml'), '-f', fixture('cli', 'other-namespace.yaml')]);
  assert.equal(applied.code, 0, applied.stderr);

  const one = await run(['get', 'vs']);
  assert.equal(one.code, 0);
  assert.equal(maskAge(one.stdout),
    'NAME          GATEWAYS               HOSTS             AGE\n' +
    'bookinfo      ["bookinfo-gateway"]   ["*"]             <age>\n' +
    'details                              ["details"]       <age>\n' +
    'productpage                          ["productpage"]   <age>\n' +
    'ratings                              ["ratings"]       <age>\n' +
    'reviews                              ["reviews"]       <age>\n');

  const all = await run(['get', 'vs,dr,gw', '-A']);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(maskAge(all.stdout),
    'NAMESPACE   NAME                                             GATEWAYS               HOSTS             AGE\n' +
    'default     virtualservice.networking.istio.io/bookinfo      ["bookinfo-gateway"]   ["*"]             <age>\n' +
    'default     virtualservice.networking.istio.io/details                              ["details"]       <age>\n' +
    'default     virtualservice.networking.istio.io/productpage                          ["productpage"]   <age>\n' +
    'default     virtualservice.networking.istio.io/ratings                              ["ratings"]       <age>\n' +
    'default     virtualservice.networking.istio.io/reviews                              ["reviews"]       <age>\n' +
    '\n' +
    'NAMESPACE      NAME                                              HOST          AGE\n' +
    'default        destinationrule.networking.istio.io/details       details       <age>\n' +
    'default        destinationrule.networking.istio.io/productpage   productpage   <age>\n' +
    'default        destinationrule.networking.istio.io/ratings       ratings       <age>\n' +
    'default        destinationrule.networking.istio.io/reviews       reviews       <age>\n' +
    'istio-system   destinationrule.networking.istio.io/reviews       reviews       <age>\n' +
    '\n' +
    'NAMESPACE   NAME                                           AGE\n' +
    'default     gateway.networking.istio.io/bookinfo-gateway   <age>\n');

  const slash = await run(['get', 'vs/reviews', 'gw/bookinfo-gateway']);
  assert.equal(maskAge(slash.stdout),
    'NAME                                         GATEWAYS   HOSTS         AGE\n' +
    'virtualservice.networking.istio.io/reviews              ["reviews"]   <age>\n' +
    '\n' +
    'NAME                                           AGE\n' +
    'gateway.networking.istio.io/bookinfo-gateway   <age>\n');

  assert.equal((await run(['get', 'virtualservices', 'reviews', '-o', 'name'])).stdout, 'virtualservice.networking.istio.io/reviews\n');
  assert.equal((await run(['get', 'dr', '-o', 'name', '-A'])).stdout,
    'destinationrule.networking.istio.io/details\ndestinationrule.networking.istio.io/productpage\ndestinationrule.networking.istio.io/ratings\n' +
    'destinationrule.networking.istio.io/reviews\ndestinationrule.networking.istio.io/reviews\n');

  const yaml = await run(['get', 'vs', 'reviews', '-o', 'yaml']);
  assert.equal(yaml.code, 0);
  const obj = parse(yaml.stdout);
  assert.equal(obj.kind, 'VirtualService');
  assert.deepEqual(obj.spec, { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] });
  assert.match(yaml.stdout, /^apiVersion: networking.istio.io\/v1\nkind: VirtualService\nmetadata:\n  annotations:\n    kubectl.kubernetes.io\/last-applied-configuration: \|\n      \{"apiVersion"/);
  assert.match(yaml.stdout, /\n  resourceVersion: "\d+"\n/);
  assert.match(yaml.stdout, /\nspec:\n  hosts:\n  - reviews\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v1\n$/);

  const list = parse((await run(['get', 'dr', '-o', 'yaml'])).stdout);
  assert.equal(list.kind, 'List');
  assert.equal(list.apiVersion, 'v1');
  assert.deepEqual(list.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['details', 'productpage', 'ratings', 'reviews']);

  const json = await run(['get', 'gw', 'bookinfo-gateway', '-o', 'json']);
  assert.match(json.stdout, /^\{\n    "apiVersion": "networking.istio.io\/v1",\n    "kind": "Gateway",\n    "metadata": \{\n/);
  assert.equal(JSON.parse(json.stdout).spec.servers[0].port.number, 8080);

  await run(['label', 'vs', 'reviews', 'team=books']);
  assert.equal((await run(['get', 'vs', '-l', 'team=books', '-o', 'name'])).stdout, 'virtualservice.networking.istio.io/reviews\n');
  const none = await run(['get', 'vs', '-l', 'team=movies']);
  assert.deepEqual([none.code, none.stdout, none.stderr], [0, '', 'No resources found in default namespace.\n']);
});

test('get: NotFound, unknown kinds, empty namespaces, bad output format', async (t) => {
  const { run } = await startMesh(t);
  const missing = await run(['get', 'vs', 'foo']);
  assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '', 'Error from server (NotFound): virtualservices.networking.istio.io "foo" not found\n']);
  const unknown = await run(['get', 'foo']);
  assert.deepEqual([unknown.code, unknown.stderr], [1, 'error: the server doesn\'t have a resource type "foo"\n']);
  const empty = await run(['get', 'vs,dr']);
  assert.deepEqual([empty.code, empty.stdout, empty.stderr], [0, '', 'No resources found in default namespace.\n']);
  const emptyAll = await run(['get', 'se', '-A']);
  assert.deepEqual([emptyAll.code, emptyAll.stderr], [0, 'No resources found\n']);
  const emptyNs = await run(['get', 'pa', '-n', 'istio-system']);
  assert.equal(emptyNs.stderr, 'No resources found in istio-system namespace.\n');
  const bad = await run(['get', 'vs', '-o', 'table']);
  assert.deepEqual([bad.code, bad.stderr], [1, 'error: unable to match a printer suitable for the output format "table", allowed formats are: json,name,wide,yaml\n']);
  const byNameAll = await run(['get', 'vs', 'reviews', '-A']);
  assert.deepEqual([byNameAll.code, byNameAll.stderr], [1, 'error: a resource cannot be retrieved by name across all namespaces\n']);
  // Namespaces are cluster-scoped: no NAMESPACE column even with -A.
  const ns = await run(['get', 'ns', '-A']);
  assert.equal(maskAge(ns.stdout), 'NAME           STATUS   AGE\ndefault        Active   <age>\nistio-system   Active   <age>\n');
});
