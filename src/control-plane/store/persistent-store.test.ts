import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { caseValidator, namespace, NS, runConfigStoreCases, virtualService, VS } from './config-store-cases.js';
import { openPersistentStore } from './persistent-store.js';
import type { ResourceStore } from './resource-store.js';
import { isStoreError } from './store-error.js';

runConfigStoreCases('persistent store', async (options) => {
  const home = mkdtempSync(join(tmpdir(), 'skiff-store-'));
  const store = await openPersistentStore({ home, ...options });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
});

describe('persistent store: durability and recovery', () => {
  const homes: string[] = [];
  const open: ResourceStore[] = [];
  let logs: string[] = [];
  const newHome = () => {
    const home = mkdtempSync(join(tmpdir(), 'skiff-store-'));
    homes.push(home);
    return home;
  };
  const openStore = async (home: string) => {
    logs = [];
    const store = await openPersistentStore({ home, validate: caseValidator, log: (m) => logs.push(m) });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
  });

  it('reopening restores every object with its uid, resourceVersion and apiVersion', async () => {
    const home = newHome();
    const first = await openStore(home);
    await first.create(namespace('bookinfo'));
    const vs = await first.create({ ...virtualService('reviews'), apiVersion: 'networking.istio.io/v1beta1' });
    const updated = await first.update({ ...virtualService('reviews', ['x']), apiVersion: 'networking.istio.io/v1beta1' });
    await first.close();
    const second = await openStore(home);
    assert.deepEqual(second.get(VS, 'default', 'reviews'), updated);
    assert.equal(second.get(VS, 'default', 'reviews')!.metadata.uid, vs.metadata.uid);
    assert.deepEqual(second.list(NS).map((n) => n.metadata.name), ['bookinfo', 'default', 'istio-system']);
    assert.equal(second.resourceVersion(), updated.metadata.resourceVersion);
    assert.deepEqual(logs, []);
  });

  it('resourceVersions never repeat across a restart, even after deleting the newest object', async () => {
    const home = newHome();
    const first = await openStore(home);
    await first.create(virtualService('reviews'));
    const deleted = await first.delete(VS, 'default', 'reviews');
    await first.close();
    const second = await openStore(home);
    assert.equal(second.resourceVersion(), deleted.metadata.resourceVersion);
    const next = await second.create(virtualService('ratings'));
    assert.ok(Number(next.metadata.resourceVersion) > Number(deleted.metadata.resourceVersion));
  });

  it('writes one private file per resource in <home>/store/<group>/<Kind>/<namespace>/<name>.json', async () => {
    const home = newHome();
    const store = await openStore(home);
    await store.create(virtualService('reviews'));
    const file = join(home, 'store', 'networking.istio.io', 'VirtualService', 'default', 'reviews.json');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).metadata.name, 'reviews');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(existsSync(join(home, 'store', 'core', 'Namespace', '_cluster', 'istio-system.json')));
    await store.delete(VS, 'default', 'reviews');
    assert.ok(!existsSync(file));
  });

  it('removes leftover temp files, and reports and sets aside corrupt or misplaced files', async () => {
    const home = newHome();
    const first = await openStore(home);
    await first.create(virtualService('reviews'));
    await first.close();
    const dir = join(home, 'store', 'networking.istio.io', 'VirtualService', 'default');
    writeFileSync(join(dir, 'ratings.json.tmp-123-abcd'), '{"apiVersion":"networking.istio.io/v1","kin');
    writeFileSync(join(dir, 'details.json'), '{"apiVersion":"networking.istio.io/v1","kind":"Virtual');
    const misplaced = JSON.parse(readFileSync(join(dir, 'reviews.json'), 'utf8'));
    writeFileSync(join(dir, 'productpage.json'), JSON.stringify(misplaced));
    const second = await openStore(home);
    assert.deepEqual(second.list(VS).map((v) => v.metadata.name), ['reviews']);
    assert.deepEqual(readdirSync(dir).sort(), ['details.json.corrupt', 'productpage.json.corrupt', 'reviews.json']);
    assert.equal(logs.length, 3);
    assert.ok(logs.some((l) => l.includes(join(dir, 'ratings.json.tmp-123-abcd')) && /unfinished write/.test(l)));
    assert.ok(logs.some((l) => l.includes(join(dir, 'details.json')) && /is corrupt: not valid JSON/.test(l)));
    assert.ok(logs.some((l) => l.includes(join(dir, 'productpage.json')) && /belongs in .*reviews\.json/.test(l)));
  });

  it('creates istio-system only on first start; recreates default whenever it is missing', async () => {
    const home = newHome();
    const first = await openStore(home);
    await first.delete(NS, undefined, 'istio-system');
    await first.close();
    rmSync(join(home, 'store', 'core', 'Namespace', '_cluster', 'default.json'));
    const second = await openStore(home);
    assert.deepEqual(second.list(NS).map((n) => n.metadata.name), ['default']);
  });

  it('a write the disk refuses fails with InternalError, changes nothing, and spends its version', async () => {
    const home = newHome();
    const store = await openStore(home);
    // A file where the store needs a directory: every DestinationRule write fails.
    writeFileSync(join(home, 'store', 'networking.istio.io'), 'in the way');
    const before = store.resourceVersion();
    const dr = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'default' }, spec: { host: 'reviews' } };
    await assert.rejects(store.create(dr), (e: unknown) => isStoreError(e) && e.reason === 'InternalError' && e.code === 500 && /could not save the change to disk/.test(e.message));
    assert.equal(store.get({ group: 'networking.istio.io', kind: 'DestinationRule' }, 'default', 'reviews'), undefined);
    rmSync(join(home, 'store', 'networking.istio.io'));
    const created = await store.create(dr);
    assert.equal(Number(created.metadata.resourceVersion), Number(before) + 2);
  });

  it('one store per state dir: a live owner keeps the lock, a dead one loses it', async () => {
    const home = newHome();
    await openStore(home);
    await assert.rejects(openPersistentStore({ home }), /already open in this process/);
    const other = newHome();
    mkdirSync(join(other, 'store'), { recursive: true });
    writeFileSync(join(other, 'store', '.lock'), `${process.ppid}\n`);
    await assert.rejects(openPersistentStore({ home: other }), new RegExp(`in use by another control plane \\(pid ${process.ppid}\\)`));
    // A pid far above any pid_max is never alive: the lock of a crashed control plane.
    writeFileSync(join(other, 'store', '.lock'), '99999999\n');
    const taken = await openStore(other);
    assert.equal(readFileSync(join(other, 'store', '.lock'), 'utf8').trim(), String(process.pid));
    await taken.close();
    assert.ok(!existsSync(join(other, 'store', '.lock')));
  });
});
