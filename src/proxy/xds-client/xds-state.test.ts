import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packAny } from '../../xds/codec.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { EMPTY_SNAPSHOT } from '../config/snapshot.js';
import { edsCluster, hcm, httpListener, loadAssignment, staticCluster } from '../testing/resources.js';
import { dependentNames, initialTypeStates, processResponse, pruneUnsubscribed } from './xds-state.js';

function response(typeUrl: string, version: string, resources: Record<string, unknown>[]) {
  return { version_info: version, type_url: typeUrl, nonce: `n-${version}`, resources: resources.map((r) => packAny({ '@type': typeUrl, ...r })) };
}

test('CDS replaces the whole set; unchanged clusters keep their compiled object', () => {
  const states = initialTypeStates();
  const first = processResponse(EMPTY_SNAPSHOT, response(TYPE_URL.CLUSTER, '1', [staticCluster('a', [1]), staticCluster('b', [2])]), states);
  assert.ok(first.ack);
  const second = processResponse(first.snapshot, response(TYPE_URL.CLUSTER, '2', [staticCluster('a', [1])]), states);
  assert.ok(second.ack);
  assert.deepEqual([...second.snapshot.clusters.keys()], ['a']);
  assert.equal(second.snapshot.clusters.get('a'), first.snapshot.clusters.get('a'));
  assert.equal(second.snapshot.versions.cluster, '2');
});

test('EDS updates the named assignments and keeps the others', () => {
  const states = initialTypeStates();
  const a = processResponse(EMPTY_SNAPSHOT, response(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, '1', [loadAssignment('x', [1]), loadAssignment('y', [2])]), states);
  assert.ok(a.ack);
  const b = processResponse(a.snapshot, response(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, '2', [loadAssignment('x', [3])]), states);
  assert.ok(b.ack);
  assert.deepEqual([...b.snapshot.endpoints.keys()].sort(), ['x', 'y']);
  assert.equal(b.snapshot.endpoints.get('x')!.value.endpoints[0]!.port, 3);
});

test('a bad resource is NACKed with its errors and keeps its last good version; the valid ones apply', () => {
  const states = initialTypeStates();
  states.cluster.version = '7';
  const base = processResponse(EMPTY_SNAPSHOT, response(TYPE_URL.CLUSTER, '7', [staticCluster('bad', [9])]), states);
  assert.ok(base.ack);
  const out = processResponse(base.snapshot, response(TYPE_URL.CLUSTER, '8', [staticCluster('ok', [1]), { ...staticCluster('bad', [2]), lb_policy: 'MAGLEV', maglev_lb_config: { table_size: 100 } }]), states);
  assert.equal(out.ack, false);
  assert.equal(out.version, '7');
  assert.ok(out.snapshot);
  assert.deepEqual([...out.snapshot.clusters.keys()].sort(), ['bad', 'ok']);
  assert.equal(out.snapshot.clusters.get('bad'), base.snapshot.clusters.get('bad'));
  assert.equal(out.snapshot.versions.cluster, '7');
  assert.ok(!out.ack && out.error.includes('Cluster bad: maglev_lb_config.table_size: must be a prime number, got 100'), !out.ack ? out.error : '');
});

test('duplicate names and mismatched resource types are rejected', () => {
  const states = initialTypeStates();
  const dup = processResponse(EMPTY_SNAPSHOT, response(TYPE_URL.CLUSTER, '1', [staticCluster('a', [1]), staticCluster('a', [2])]), states);
  assert.ok(!dup.ack && /duplicate resource name "a"/.test(dup.error));
  const wrong = processResponse(EMPTY_SNAPSHOT, { ...response(TYPE_URL.CLUSTER, '1', []), resources: [packAny({ '@type': TYPE_URL.LISTENER, ...httpListener('l', 0, hcm({ rds: 'r' })) })] }, states);
  assert.ok(!wrong.ack && /does not match the response type/.test(wrong.error));
  const unknown = processResponse(EMPTY_SNAPSHOT, { version_info: '1', type_url: 'type.googleapis.com/foo.Bar', nonce: 'x', resources: [] }, states);
  assert.ok(!unknown.ack && /not consumed/.test(unknown.error));
});

test('listeners and clusters decide the RDS and EDS subscriptions; unused ones are pruned', () => {
  const states = initialTypeStates();
  let s = processResponse(EMPTY_SNAPSHOT, response(TYPE_URL.CLUSTER, '1', [edsCluster('e1'), staticCluster('s', [1])]), states);
  assert.ok(s.ack);
  s = processResponse(s.snapshot, response(TYPE_URL.LISTENER, '1', [httpListener('l', 0, hcm({ rds: 'r9080' }))]), states);
  assert.ok(s.ack);
  assert.deepEqual(dependentNames(s.snapshot), { route: ['r9080'], endpoint: ['e1'], secret: [] });
  const withEds = processResponse(s.snapshot, response(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, '1', [loadAssignment('e1', [1]), loadAssignment('old', [2])]), states);
  assert.ok(withEds.ack);
  assert.deepEqual([...pruneUnsubscribed(withEds.snapshot, 'endpoint', ['e1']).endpoints.keys()], ['e1']);
});
