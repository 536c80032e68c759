// meshConfig access logs: off by default (Istio's default profile), Istio's text format or JSON
// keys on every connection manager and TCP proxy when `accessLogFile` is set, and the proxy can
// render the format it is sent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildListeners } from '../../src/control-plane/translate/listeners.js';
import { ISTIO_TEXT_FORMAT } from '../../src/control-plane/translate/access-log.js';
import type { Json } from '../../src/control-plane/translate/envoy-common.js';
import { encodeResource, TYPE_URL } from '../../src/xds/index.js';
import { compileFormat } from '../../src/proxy/telemetry/access-log-format.js';
import { bookinfoPush, sidecarOf } from './fixtures.js';

function accessLogs(listeners: Json[]): Json[] {
  return listeners.flatMap((l) => ((l.filter_chains as Json[]) ?? []).flatMap((c) => ((c.filters as Json[]) ?? []).map((f) => (f.typed_config as Json).access_log as Json[] | undefined)))
    .flatMap((a) => a ?? []);
}

describe('access logs from meshConfig', () => {
  it('are off without accessLogFile', () => {
    const push = bookinfoPush();
    assert.deepEqual(accessLogs(buildListeners(sidecarOf(push, 'productpage'), push)), []);
  });

  it('use Istio\'s text format on every connection manager, and encode as Envoy protos', () => {
    const push = bookinfoPush('', { accessLogFile: '/dev/stdout' });
    const listeners = buildListeners(sidecarOf(push, 'productpage'), push);
    const logs = accessLogs(listeners);
    assert.ok(logs.length >= listeners.length, 'every listener logs');
    const config = logs[0]!.typed_config as Json;
    assert.equal(config.path, '/dev/stdout');
    assert.equal(((config.log_format as Json).text_format_source as Json).inline_string, ISTIO_TEXT_FORMAT);
    for (const l of listeners) encodeResource(TYPE_URL.LISTENER, l);
    assert.notEqual(typeof compileFormat(ISTIO_TEXT_FORMAT), 'string', 'the proxy renders every operator of the format');
  });

  it('use Istio\'s JSON keys with accessLogEncoding JSON', () => {
    const push = bookinfoPush('', { accessLogFile: '/dev/stdout', accessLogEncoding: 'JSON' });
    const config = accessLogs(buildListeners(sidecarOf(push, 'reviews-v1'), push))[0]!.typed_config as Json;
    const json = (config.log_format as Json).json_format as Json;
    assert.equal(json.response_flags, '%RESPONSE_FLAGS%');
    assert.equal(json.upstream_cluster, '%UPSTREAM_CLUSTER_RAW%');
  });
});
