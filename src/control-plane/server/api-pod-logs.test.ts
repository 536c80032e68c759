import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import type { Resource } from '../../config/resource.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { ResourceStore } from '../store/resource-store.js';
import { startApiServer, type ApiServer } from './api-server.js';

function pod(name: string, containers: string[]): Resource {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'apps' },
    spec: { containers: containers.map((c) => ({ name: c, image: 'docker.io/istio/examples-bookinfo-details-v1' })) },
  };
}

describe('pod log API', () => {
  let store: ResourceStore;
  let server: ApiServer;
  let root: string;

  const get = async (path: string) => {
    const res = await request(`${server.url}${path}`);
    const text = await res.body.text();
    return { status: res.statusCode, text, json: () => JSON.parse(text) as { reason: string; message: string } };
  };
  const base = '/api/v1/namespaces/apps/pods';

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'skiff-podlogs-'));
    store = createMemoryStore();
    await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    await store.create(pod('one', ['details']));
    await store.create(pod('two', ['details', 'istio-proxy']));
    await store.create(pod('fresh', ['details']));
    mkdirSync(join(root, 'apps', 'one'), { recursive: true });
    writeFileSync(join(root, 'apps', 'one', 'details.log'), 'a\nb\nc\n');
    mkdirSync(join(root, 'apps', 'two'), { recursive: true });
    writeFileSync(join(root, 'apps', 'two', 'istio-proxy.log'), 'proxy ready\n');
    server = await startApiServer({ store, port: 0, logRoot: root, log: () => undefined });
  });

  after(async () => {
    await server.close();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the only container\'s log, whole or its last lines', async () => {
    assert.deepEqual(await get(`${base}/one/log`).then((r) => [r.status, r.text]), [200, 'a\nb\nc\n']);
    assert.equal((await get(`${base}/one/log?tailLines=2`)).text, 'b\nc\n');
    assert.equal((await get(`${base}/one/log?tailLines=10`)).text, 'a\nb\nc\n');
    assert.equal((await get(`${base}/one/log?tailLines=0`)).text, '');
    assert.equal((await get(`${base}/one/log?limitBytes=3`)).text, 'a\nb');
  });

  it('asks for a container name when the pod has several, and rejects unknown ones', async () => {
    const several = await get(`${base}/two/log`);
    assert.equal(several.status, 400);
    assert.equal(several.json().message, 'a container name must be specified for pod two, choose one of: [details istio-proxy]');
    assert.equal((await get(`${base}/two/log?container=istio-proxy`)).text, 'proxy ready\n');
    const bad = await get(`${base}/two/log?container=nope`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json().message, 'container nope is not valid for pod two');
  });

  it('says NotFound for a missing pod and waiting for a container without output yet', async () => {
    const missing = await get(`${base}/ghost/log`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json().message, 'pods "ghost" not found');
    const fresh = await get(`${base}/fresh/log`);
    assert.equal(fresh.status, 400);
    assert.equal(fresh.json().message, 'container "details" in pod "fresh" is waiting to start: ContainerCreating');
    const refused = await get(`${base}/one/log?previous=true`);
    assert.equal(refused.status, 400);
    assert.match(refused.json().message, /previous=true is not supported/);
  });

  it('follows appended output until the pod is deleted', async () => {
    const res = await request(`${server.url}${base}/one/log?follow=true&tailLines=1`);
    assert.equal(res.statusCode, 200);
    let text = '';
    const done = (async () => {
      for await (const chunk of res.body) text += (chunk as Buffer).toString('utf8');
    })();
    const until = async (want: string) => {
      for (let i = 0; i < 100 && !text.includes(want); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await until('c\n');
    appendFileSync(join(root, 'apps', 'one', 'details.log'), 'd\n');
    await until('d\n');
    assert.equal(text, 'c\nd\n');
    await store.delete({ group: '', kind: 'Pod' }, 'apps', 'one');
    await done;
    assert.equal(text, 'c\nd\n');
  });
});
