import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../config/resource.js';
import { LAST_APPLIED, applyPatch, lastAppliedOf, withLastApplied } from './apply-patch.js';

function vs(spec: Record<string, unknown>, extra: Partial<Resource['metadata']> = {}): Resource {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'default', ...extra }, spec };
}

test('the last-applied annotation records the object without itself, keys sorted, newline-terminated', () => {
  const desired = withLastApplied(vs({ hosts: ['reviews'] }, { resourceVersion: '9', annotations: { team: 'books' } }));
  const text = desired.metadata.annotations![LAST_APPLIED]!;
  assert.equal(text, '{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"annotations":{"team":"books"},"name":"reviews","namespace":"default"},"spec":{"hosts":["reviews"]}}\n');
  assert.equal(desired.metadata.resourceVersion, undefined, 'server-set fields are not sent back');
  assert.deepEqual(lastAppliedOf(desired), JSON.parse(text));
});

test('an unchanged file gives no patch; a changed field is patched; extra live fields stay', () => {
  const desired = withLastApplied(vs({ hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] }));
  const live = { ...structuredClone(desired), status: { observed: 1 } } as Resource;
  live.metadata.resourceVersion = '3';
  live.metadata.labels = { added: 'by-label' };
  assert.equal(applyPatch(desired, live), undefined);
  // The same object written in another API version patches only the record of what was applied.
  const olderVersion = withLastApplied({ ...vs(desired.spec as Record<string, unknown>), apiVersion: 'networking.istio.io/v1alpha3' });
  assert.deepEqual(Object.keys(applyPatch(olderVersion, live)!), ['metadata']);

  const changed = withLastApplied(vs({ hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] }));
  const patch = applyPatch(changed, live)!;
  assert.deepEqual(patch.spec, { http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] });
  assert.equal((patch.metadata as any).annotations[LAST_APPLIED], changed.metadata.annotations![LAST_APPLIED]);
  assert.equal((patch.metadata as any).labels, undefined, 'a label added outside the file is kept');
});

test('a field dropped from the file since the last apply is deleted (null in the merge patch)', () => {
  const before = withLastApplied(vs({ hosts: ['reviews'], exportTo: ['.'] }));
  const after = withLastApplied(vs({ hosts: ['reviews'] }));
  const patch = applyPatch(after, before)!;
  assert.deepEqual(patch.spec, { exportTo: null });
});
