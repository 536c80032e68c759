import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE_URL } from '../../xds/index.js';
import { EncodedResourceCache } from './ads-resource-cache.js';
import { PreparedResourceCache, onlyWanted } from './ads-prepared-resources.js';
import { endpoints } from './ads-test-kit.js';
import type { XdsResource } from './ads-types.js';

const EDS = TYPE_URL.CLUSTER_LOAD_ASSIGNMENT;
const cla = (name: string, ip: string): XdsResource => ({ name, resource: endpoints(name, ip) });

describe('PreparedResourceCache', () => {
  it('prepares a list once, whichever proxy sends it', () => {
    const cache = new PreparedResourceCache(new EncodedResourceCache());
    const list = [cla('a', '10.0.0.1'), cla('b', '10.0.0.2')];
    const prepared = cache.get(EDS, list);
    assert.equal(cache.get(EDS, list), prepared);
    assert.equal(prepared.packed.length, 2);
    assert.ok(Object.isFrozen(prepared.packed));
    assert.deepEqual(prepared.sent.map((r) => r.name), ['a', 'b']);
  });

  it('digests names and bytes, not the order resources came in', () => {
    const cache = new PreparedResourceCache(new EncodedResourceCache());
    const a = cache.get(EDS, [cla('a', '10.0.0.1'), cla('b', '10.0.0.2')]);
    const b = cache.get(EDS, [cla('b', '10.0.0.2'), cla('a', '10.0.0.1')]);
    const c = cache.get(EDS, [cla('a', '10.0.0.1'), cla('b', '10.0.0.3')]);
    assert.equal(a.digest, b.digest);
    assert.notEqual(a.digest, c.digest);
  });

  it('names the resource that does not encode', () => {
    const cache = new PreparedResourceCache(new EncodedResourceCache());
    assert.throws(() => cache.get(EDS, [{ name: 'bad', resource: { cluster_name: 'bad', endpoints: 'nope' } }]), /resource "bad"/);
  });

  it('finds the resources that changed since a list was sent, and none when the names differ', () => {
    const cache = new PreparedResourceCache(new EncodedResourceCache());
    const before = cache.get(EDS, [cla('a', '10.0.0.1'), cla('b', '10.0.0.2')]);
    const after = cache.get(EDS, [cla('a', '10.0.0.1'), cla('b', '10.0.0.9')]);
    const changed = cache.changedSince(after, before.sent);
    assert.deepEqual(changed, [after.packed[1]]);
    assert.equal(cache.changedSince(after, before.sent), changed, 'shared by proxies sent the same list');
    const renamed = cache.get(EDS, [cla('a', '10.0.0.1'), cla('c', '10.0.0.9')]);
    assert.equal(cache.changedSince(renamed, before.sent), undefined);
    assert.equal(cache.changedSince(before, before.sent), undefined, 'nothing changed: no partial response');
  });
});

describe('onlyWanted', () => {
  it('keeps the list itself when every resource is wanted', () => {
    const list = [cla('a', '10.0.0.1'), cla('b', '10.0.0.2')];
    assert.equal(onlyWanted(list, ['b', 'a']), list);
    assert.deepEqual(onlyWanted(list, ['b']).map((r) => r.name), ['b']);
  });
});
