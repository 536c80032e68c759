import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shouldInject } from './injection.js';

const cases: [string, Record<string, string>, Record<string, string>, boolean][] = [
  ['namespace enabled', { 'istio-injection': 'enabled' }, {}, true],
  ['namespace enabled, pod opts out', { 'istio-injection': 'enabled' }, { 'sidecar.istio.io/inject': 'false' }, false],
  ['namespace disabled beats pod label', { 'istio-injection': 'disabled' }, { 'sidecar.istio.io/inject': 'true' }, false],
  ['unlabelled namespace, pod opts in', {}, { 'sidecar.istio.io/inject': 'true' }, true],
  ['unlabelled namespace', {}, {}, false],
  ['revision label', { 'istio.io/rev': 'default' }, {}, true],
];

for (const [name, ns, pod, expected] of cases) {
  test(`injection: ${name}`, () => {
    assert.equal(shouldInject({ namespaceLabels: ns, podLabels: pod, podAnnotations: {} }), expected);
  });
}

test('injection: the legacy pod annotation opts out', () => {
  assert.equal(shouldInject({ namespaceLabels: { 'istio-injection': 'enabled' }, podLabels: {}, podAnnotations: { 'sidecar.istio.io/inject': 'false' } }), false);
});
