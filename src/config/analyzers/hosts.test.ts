import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostCovers, hostsMatch, toFqdn, visibleFrom } from './hosts.js';

describe('hosts', () => {
  it('resolves short names in the namespace of the rule, leaving dotted names as written', () => {
    assert.equal(toFqdn('reviews', 'default'), 'reviews.default.svc.cluster.local');
    assert.equal(toFqdn('reviews', 'team-a'), 'reviews.team-a.svc.cluster.local');
    assert.equal(toFqdn('reviews.default', 'team-a'), 'reviews.default');
    assert.equal(toFqdn('*.example.com', 'default'), '*.example.com');
    assert.equal(toFqdn('*', 'default'), '*');
  });

  it("matches hosts as Istio's host.Name.Matches does", () => {
    assert.ok(hostsMatch('*', 'reviews.default.svc.cluster.local'));
    assert.ok(hostsMatch('*.example.com', 'foo.example.com'));
    assert.ok(hostsMatch('foo.example.com', '*.example.com'));
    assert.ok(hostsMatch('*.example.com', '*.foo.example.com'));
    assert.ok(!hostsMatch('*.example.com', 'example.org'));
    assert.ok(!hostsMatch('a.example.com', 'b.example.com'));
  });

  it('lets a wildcard cover the names under it, never the other way round', () => {
    assert.ok(hostCovers('*.default.svc.cluster.local', 'reviews.default.svc.cluster.local'));
    assert.ok(hostCovers('*', 'reviews.default.svc.cluster.local'));
    assert.ok(!hostCovers('reviews.default.svc.cluster.local', '*.default.svc.cluster.local'));
    assert.ok(!hostCovers('*.team-a.svc.cluster.local', 'reviews.default.svc.cluster.local'));
  });

  it('reads exportTo: empty and * everywhere, . its own namespace, ~ nowhere', () => {
    assert.ok(visibleFrom([], 'default', 'team-a'));
    assert.ok(visibleFrom(['*'], 'default', 'team-a'));
    assert.ok(visibleFrom(['.'], 'default', 'default'));
    assert.ok(!visibleFrom(['.'], 'default', 'team-a'));
    assert.ok(visibleFrom(['team-a'], 'default', 'team-a'));
    assert.ok(!visibleFrom(['~'], 'default', 'default'));
  });
});
