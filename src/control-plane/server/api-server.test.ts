import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import type { Resource } from '../../config/resource.js';
import type { ConfigStore } from '../store/config-store.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { ResourceStore } from '../store/resource-store.js';
import { startApiServer, type ApiServer } from './api-server.js';

const VS_PATH = '/apis/networking.istio.io/v1/namespaces/default/virtualservices';

function virtualService(name: string, extra: Record<string, unknown> = {}): Resource {
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, ...extra },
    spec: { hosts: [name], http: [{ route: [{ destination: { host: name } }] }] },
  };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, inspected field by field in the assertions. */
  body: any;
}

describe('control plane HTTP API', () => {
  let store: ResourceStore;
  let server: ApiServer;
  let activeWatches = 0;

  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> => {
    const res = await request(`${server.url}${path}`, {
      method: method as 'GET',
      headers: body !== undefined ? { 'content-type': contentType } : {},
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.body.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // plain text (healthz)
    }
    return { status: res.statusCode, headers: res.headers, body: parsed };
  };

  /** Reads newline-delimited events from a watch until `count` arrived. */
  const openWatch = async (path: string) => {
    const res = await request(`${server.url}${path}`, { method: 'GET' });
    assert.equal(res.statusCode, 200);
    const iterator = res.body[Symbol.asyncIterator]();
    let buffer = '';
    const events: { type: string; object: Resource }[] = [];
    let ended = false;
    return {
      async take(count: number) {
        while (events.length < count && !ended) {
          const { value, done } = await iterator.next();
          if (done) { ended = true; break; }
          buffer += Buffer.from(value as Uint8Array).toString('utf8');
          let nl;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            events.push(JSON.parse(buffer.slice(0, nl)));
            buffer = buffer.slice(nl + 1);
          }
        }
        return events.splice(0, count).map((e) => ({ type: e.type, name: e.object.metadata?.name, object: e.object }));
      },
      async ended() {
        while (!ended) {
          const { done } = await iterator.next();
          if (done) ended = true;
        }
        return true;
      },
      close() {
        res.body.destroy();
      },
    };
  };

  before(async () => {
    store = createMemoryStore({ log: () => undefined });
    // Counts watch subscriptions, to see the server drop a watch when its client goes away.
    const watching: ConfigStore = {
      list: (kind, ns) => store.list(kind, ns),
      get: (kind, ns, name) => store.get(kind, ns, name),
      create: (obj) => store.create(obj),
      update: (obj) => store.update(obj),
      patch: (kind, ns, name, patch) => store.patch(kind, ns, name, patch),
      delete: (kind, ns, name) => store.delete(kind, ns, name),
      resourceVersion: () => store.resourceVersion(),
      close: () => store.close(),
      watch: (listener, from) => {
        const stop = store.watch(listener, from);
        activeWatches++;
        return () => { activeWatches--; stop(); };
      },
    };
    server = await startApiServer({ store: watching, port: 0, bodyLimit: 64 * 1024, log: () => undefined });
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  it('answers /healthz and /version with the package version', async () => {
    const health = await call('GET', '/healthz');
    assert.deepEqual([health.status, health.body], [200, 'ok']);
    const version = await call('GET', '/version');
    assert.equal(version.status, 200);
    assert.match(version.body.version, /^\d+\.\d+\.\d+/);
    assert.equal(version.body.gitVersion, `v${version.body.version}`);
    assert.equal((await call('POST', '/version', {})).status, 405);
  });

  it('serves discovery documents built from the kind registry', async () => {
    const groups = await call('GET', '/apis');
    const networking = groups.body.groups.find((g: { name: string }) => g.name === 'networking.istio.io');
    assert.deepEqual(networking.preferredVersion, { groupVersion: 'networking.istio.io/v1', version: 'v1' });
    const resources = await call('GET', '/apis/networking.istio.io/v1beta1');
    const vs = resources.body.resources.find((r: { kind: string }) => r.kind === 'VirtualService');
    assert.deepEqual({ name: vs.name, namespaced: vs.namespaced, shortNames: vs.shortNames }, { name: 'virtualservices', namespaced: true, shortNames: ['vs'] });
    const core = await call('GET', '/api/v1');
    assert.ok(core.body.resources.some((r: { name: string; namespaced: boolean }) => r.name === 'namespaces' && !r.namespaced));
  });

  it('creates, gets, lists, replaces, patches and deletes a VirtualService', async () => {
    const created = await call('POST', VS_PATH, virtualService('reviews', { labels: { app: 'reviews' } }));
    assert.equal(created.status, 201);
    assert.equal(created.body.metadata.namespace, 'default');
    assert.equal(created.body.metadata.generation, 1);
    const rv = created.body.metadata.resourceVersion;

    const got = await call('GET', `${VS_PATH}/reviews`);
    assert.deepEqual(got.body, created.body);
    const atBeta = await call('GET', '/apis/networking.istio.io/v1beta1/namespaces/default/virtualservices/reviews');
    assert.equal(atBeta.body.apiVersion, 'networking.istio.io/v1beta1');

    const list = await call('GET', VS_PATH);
    assert.equal(list.body.kind, 'VirtualServiceList');
    assert.equal(list.body.apiVersion, 'networking.istio.io/v1');
    assert.equal(list.body.metadata.resourceVersion, store.resourceVersion());
    assert.deepEqual(list.body.items.map((i: Resource) => i.metadata.name), ['reviews']);

    const same = await call('PUT', `${VS_PATH}/reviews`, virtualService('reviews', { labels: { app: 'reviews' } }));
    assert.equal(same.status, 200);
    assert.equal(same.body.metadata.resourceVersion, rv, 'an unchanged replace keeps the resourceVersion');

    const patched = await call('PATCH', `${VS_PATH}/reviews`, { metadata: { labels: { version: 'v2' } } }, 'application/merge-patch+json');
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.metadata.labels, { app: 'reviews', version: 'v2' });
    assert.ok(Number(patched.body.metadata.resourceVersion) > Number(rv));

    const deleted = await call('DELETE', `${VS_PATH}/reviews`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.metadata.uid, created.body.metadata.uid);
    const gone = await call('GET', `${VS_PATH}/reviews`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.body, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound',
      message: 'virtualservices.networking.istio.io "reviews" not found',
      details: { name: 'reviews', group: 'networking.istio.io', kind: 'virtualservices' },
    });
  });

  it('reports AlreadyExists, Conflict, a missing namespace and a missing object as Kubernetes does', async () => {
    const first = await call('POST', VS_PATH, virtualService('ratings'));
    const dup = await call('POST', VS_PATH, virtualService('ratings'));
    assert.equal(dup.status, 409);
    assert.equal(dup.body.reason, 'AlreadyExists');
    await call('PATCH', `${VS_PATH}/ratings`, { metadata: { labels: { a: 'b' } } }, 'application/merge-patch+json');
    const stale = await call('PUT', `${VS_PATH}/ratings`, virtualService('ratings', { resourceVersion: first.body.metadata.resourceVersion }));
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    const noNamespace = await call('POST', '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices', virtualService('ratings'));
    assert.equal(noNamespace.status, 404);
    assert.equal(noNamespace.body.message, 'namespaces "bookinfo" not found');
    const missing = await call('PUT', `${VS_PATH}/details`, virtualService('details'));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.reason, 'NotFound');
  });

  it('rejects an invalid resource with 422 Invalid and one cause per error', async () => {
    const bad = virtualService('reviews-bad');
    (bad.spec as { http: { route: { weight?: unknown }[] }[] }).http[0]!.route[0]!.weight = 'heavy';
    const res = await call('POST', VS_PATH, bad);
    assert.equal(res.status, 422);
    assert.equal(res.body.reason, 'Invalid');
    assert.match(res.body.message, /^VirtualService\.networking\.istio\.io "reviews-bad" is invalid: spec\.http\[0\]\.route\[0\]\.weight: /);
    assert.deepEqual(res.body.details.causes.map((c: { field: string }) => c.field), ['spec.http[0].route[0].weight']);
    assert.equal(res.body.details.kind, 'VirtualService');
  });

  it('checks the body against the path: namespace, name, apiVersion and kind', async () => {
    const otherNs = await call('POST', VS_PATH, virtualService('x', { namespace: 'istio-system' }));
    assert.equal(otherNs.status, 400);
    assert.equal(otherNs.body.message, 'the namespace of the provided object does not match the namespace sent on the request');
    await call('POST', VS_PATH, virtualService('y'));
    const otherName = await call('PUT', `${VS_PATH}/y`, virtualService('z'));
    assert.equal(otherName.status, 400);
    assert.equal(otherName.body.message, 'the name of the object (z) does not match the name on the URL (y)');
    const otherKind = await call('POST', VS_PATH, { ...virtualService('w'), kind: 'DestinationRule' });
    assert.equal(otherKind.status, 400);
    const otherGroup = await call('POST', VS_PATH, { ...virtualService('w'), apiVersion: 'security.istio.io/v1' });
    assert.equal(otherGroup.status, 400);
    assert.match(otherGroup.body.message, /API version in the data \(security.istio.io\/v1\) does not match/);
    const defaults = await call('POST', VS_PATH, { metadata: { name: 'w' }, spec: virtualService('w').spec });
    assert.equal(defaults.status, 201, 'apiVersion and kind default to the path');
    assert.equal(defaults.body.kind, 'VirtualService');
  });

  it('refuses malformed bodies, wrong media types and oversized bodies, and keeps serving', async () => {
    const badJson = await call('POST', VS_PATH, '{"apiVersion": ');
    assert.equal(badJson.status, 400);
    assert.match(badJson.body.message, /not valid JSON/);
    const notObject = await call('POST', VS_PATH, '[1,2]');
    assert.equal(notObject.status, 400);
    const yaml = await call('POST', VS_PATH, 'kind: VirtualService', 'application/yaml');
    assert.equal(yaml.status, 415);
    assert.equal(yaml.body.reason, 'UnsupportedMediaType');
    const jsonPatch = await call('PATCH', `${VS_PATH}/y`, '[]', 'application/json-patch+json');
    assert.equal(jsonPatch.status, 415);
    assert.match(jsonPatch.body.message, /application\/merge-patch\+json/);
    const huge = await call('POST', VS_PATH, JSON.stringify({ ...virtualService('huge'), pad: 'x'.repeat(100 * 1024) }));
    assert.equal(huge.status, 413);
    assert.equal(huge.body.reason, 'RequestEntityTooLarge');
    assert.equal((await call('GET', '/healthz')).status, 200);
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    for (const path of ['/apis/example.com/v1/widgets', '/apis/networking.istio.io/v9/virtualservices', '/apis/networking.istio.io/v1/widgets',
      '/api/v1/namespaces/default/virtualservices', '/apis/networking.istio.io/v1/namespaces/default/virtualservices/a/b', '/nothing',
      '/api/v1/namespaces/default/namespaces/x', '/apis/networking.istio.io/v1/virtualservices/reviews']) {
      const res = await call('GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.kind, 'Status', path);
    }
    assert.equal((await call('GET', '/apis/networking.istio.io/v1/namespaces/%E0%A4%A/virtualservices')).status, 400);
    const post = await call('POST', `${VS_PATH}/y`, virtualService('y'));
    assert.equal(post.status, 405);
    assert.equal(post.body.reason, 'MethodNotAllowed');
    assert.equal(post.headers.allow, 'GET, PUT, PATCH, DELETE');
  });

  it('lists across namespaces and filters by label and field selectors', async () => {
    await store.ensureNamespaces(['bookinfo']);
    await call('POST', '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices', virtualService('sel-a', { labels: { app: 'a', version: 'v1' } }));
    await call('POST', '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices', virtualService('sel-b', { labels: { app: 'b', version: 'v2' } }));
    await call('POST', VS_PATH, virtualService('sel-c', { labels: { app: 'a', version: 'v2' } }));
    const names = async (path: string) => (await call('GET', path)).body.items.map((i: Resource) => `${i.metadata.namespace}/${i.metadata.name}`);
    assert.deepEqual(await names('/apis/networking.istio.io/v1/virtualservices?labelSelector=app'), ['bookinfo/sel-a', 'bookinfo/sel-b', 'default/sel-c']);
    assert.deepEqual(await names('/apis/networking.istio.io/v1/virtualservices?labelSelector=app%3Da,version!%3Dv1'), ['default/sel-c']);
    assert.deepEqual(await names('/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices?labelSelector=version%20in%20(v1,v2)'), ['bookinfo/sel-a', 'bookinfo/sel-b']);
    assert.deepEqual(await names('/apis/networking.istio.io/v1/virtualservices?fieldSelector=metadata.name%3Dsel-b'), ['bookinfo/sel-b']);
    const bad = await call('GET', '/apis/networking.istio.io/v1/virtualservices?labelSelector=app%3D%3D%3D');
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /unable to parse requirement/);
    assert.equal((await call('GET', '/apis/networking.istio.io/v1/virtualservices?fieldSelector=spec.hosts%3Dx')).status, 400);
  });

  it('watch streams the current objects as ADDED, then changes, and stops when the client leaves', async () => {
    await store.ensureNamespaces(['watched']);
    const path = '/apis/networking.istio.io/v1/namespaces/watched/virtualservices';
    await call('POST', path, virtualService('w1'));
    const before = activeWatches;
    const watch = await openWatch(`${path}?watch=true`);
    assert.deepEqual((await watch.take(1)).map((e) => `${e.type} ${e.name}`), ['ADDED w1']);
    await call('POST', path, virtualService('w2'));
    await call('PATCH', `${path}/w1`, { metadata: { labels: { a: 'b' } } }, 'application/merge-patch+json');
    await call('POST', VS_PATH, virtualService('elsewhere'));
    await call('DELETE', `${path}/w2`);
    const events = await watch.take(3);
    assert.deepEqual(events.map((e) => `${e.type} ${e.name}`), ['ADDED w2', 'MODIFIED w1', 'DELETED w2']);
    assert.equal(events[1]!.object.apiVersion, 'networking.istio.io/v1');
    assert.equal(activeWatches, before + 1);
    watch.close();
    await waitFor(() => activeWatches === before);
  });

  it('a watch with a label selector sees objects relabelled into it as ADDED and out of it as DELETED', async () => {
    await store.ensureNamespaces(['labelled']);
    const path = '/apis/networking.istio.io/v1/namespaces/labelled/virtualservices';
    const watch = await openWatch(`${path}?watch=true&labelSelector=tier%3Dfront`);
    await call('POST', path, virtualService('l1'));
    await call('PATCH', `${path}/l1`, { metadata: { labels: { tier: 'front' } } }, 'application/merge-patch+json');
    await call('PATCH', `${path}/l1`, { metadata: { labels: { tier: 'front', v: '2' } } }, 'application/merge-patch+json');
    await call('PATCH', `${path}/l1`, { metadata: { labels: { tier: 'back' } } }, 'application/merge-patch+json');
    await call('DELETE', `${path}/l1`);
    await call('POST', path, virtualService('l2', { labels: { tier: 'front' } }));
    const events = await watch.take(4);
    assert.deepEqual(events.map((e) => `${e.type} ${e.name} ${e.object.metadata.labels?.tier}`), ['ADDED l1 front', 'MODIFIED l1 front', 'DELETED l1 back', 'ADDED l2 front']);
    watch.close();
  });

  it('watch from a resourceVersion replays what followed it; an expired one ends with a 410 ERROR event', async () => {
    const path = '/apis/networking.istio.io/v1beta1/namespaces/watched/virtualservices';
    const from = store.resourceVersion();
    await call('POST', path, virtualService('r1'));
    await call('DELETE', `${path}/r1`);
    const watch = await openWatch(`${path}?watch=1&resourceVersion=${from}`);
    const events = await watch.take(2);
    assert.deepEqual(events.map((e) => `${e.type} ${e.name}`), ['ADDED r1', 'DELETED r1']);
    assert.equal(events[0]!.object.apiVersion, 'networking.istio.io/v1beta1');
    watch.close();

    const expired = await openWatch(`${path}?watch=true&resourceVersion=1`);
    // The store's history starts at its creation (version 2, after its two namespaces): 1 is too old.
    const [error] = await expired.take(1);
    assert.equal(error!.type, 'ERROR');
    assert.equal((error!.object as unknown as { code: number; reason: string }).code, 410);
    assert.equal((error!.object as unknown as { code: number; reason: string }).reason, 'Expired');
    assert.ok(await expired.ended());
  });

  it('close() ends open watches', async () => {
    const other = createMemoryStore({ log: () => undefined });
    const otherServer = await startApiServer({ store: other, port: 0 });
    const res = await request(`${otherServer.url}/api/v1/namespaces?watch=true`);
    const chunks: string[] = [];
    const done = (async () => {
      for await (const c of res.body) chunks.push(Buffer.from(c as Uint8Array).toString());
    })();
    await otherServer.close();
    await done;
    assert.match(chunks.join(''), /"ADDED".*"default"/s);
    await other.close();
  });

  it('survives garbage on the socket', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      let data = '';
      socket.on('data', (d) => { data += d.toString(); });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
      socket.write('\x00\x01 NOT HTTP\r\n\r\n');
    });
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.equal((await call('GET', '/healthz')).status, 200);
  });

  it('deleting a Namespace over HTTP deletes its resources', async () => {
    await store.ensureNamespaces(['doomed']);
    await call('POST', '/apis/networking.istio.io/v1/namespaces/doomed/virtualservices', virtualService('inside'));
    const res = await call('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'Namespace');
    assert.equal((await call('GET', '/apis/networking.istio.io/v1/namespaces/doomed/virtualservices/inside')).status, 404);
    assert.equal((await call('DELETE', '/api/v1/namespaces/default')).status, 403);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), 'condition never became true');
}
