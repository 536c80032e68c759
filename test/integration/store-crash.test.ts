// A control plane killed with SIGKILL loses nothing it acknowledged: each test runs one in a child
// process, writes over HTTP, kills it, starts another on the same state dir and checks what it serves.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { Agent, request } from 'undici';

// Under tsx this file is .ts and so is the script; compiled (npm test) both are .js under dist/.
const here = fileURLToPath(import.meta.url);
const compiled = here.endsWith('.js');
const script = join(dirname(here), '..', 'testkit', `control-plane-process.${compiled ? 'js' : 'ts'}`);
const repoRoot = join(dirname(here), '..', '..', ...(compiled ? ['..'] : []));

const VS_PATH = '/apis/networking.istio.io/v1/namespaces/default/virtualservices';
const DR_PATH = '/apis/networking.istio.io/v1/namespaces/default/destinationrules';

interface Running {
  api: string;
  child: ChildProcess;
  stderr(): string;
  agent: Agent;
}

const children = new Set<ChildProcess>();
const homes: string[] = [];

function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'skiff-crash-'));
  homes.push(home);
  return home;
}

async function start(home: string): Promise<Running> {
  const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), script, home], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const api = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(out.slice(0, nl)) as { api: string }).api);
    });
    child.once('exit', (code, signal) => reject(new Error(`control plane exited (${code ?? signal}) before serving: ${err}`)));
  });
  return { api, child, stderr: () => err, agent: new Agent({ connections: 64 }) };
}

async function kill9(r: Running): Promise<void> {
  const exited = new Promise((resolve) => r.child.once('exit', resolve));
  r.child.kill('SIGKILL');
  await exited;
  await r.agent.destroy();
}

async function call(r: Running, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await request(`${r.api}${path}`, {
    method: method as 'GET', dispatcher: r.agent,
    headers: body !== undefined ? { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } : {},
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.statusCode, body: await res.body.json() };
}

function virtualService(name: string, host = name) {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name }, spec: { hosts: [host], http: [{ route: [{ destination: { host } }] }] } };
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

after(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

describe('config store survives kill -9', () => {
  it('keeps every acknowledged create, update and delete, with the same uid and resourceVersion', async () => {
    const home = newHome();
    const first = await start(home);
    const reviews = await call(first, 'POST', VS_PATH, virtualService('reviews'));
    assert.equal(reviews.status, 201);
    const ratings = await call(first, 'POST', VS_PATH, virtualService('ratings'));
    const dr = await call(first, 'POST', DR_PATH, { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews' }, spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] } });
    assert.equal(dr.status, 201, JSON.stringify(dr.body));
    const patched = await call(first, 'PATCH', `${VS_PATH}/reviews`, { metadata: { labels: { version: 'v2' } } });
    assert.equal(patched.status, 200);
    const deleted = await call(first, 'DELETE', `${VS_PATH}/ratings`);
    assert.equal(deleted.status, 200);
    await kill9(first);

    const second = await start(home);
    const got = await call(second, 'GET', `${VS_PATH}/reviews`);
    assert.deepEqual(got.body, patched.body);
    assert.equal(got.body.metadata.uid, reviews.body.metadata.uid);
    assert.deepEqual((await call(second, 'GET', `${DR_PATH}/reviews`)).body, dr.body);
    assert.equal((await call(second, 'GET', `${VS_PATH}/ratings`)).status, 404);
    const list = await call(second, 'GET', VS_PATH);
    assert.equal(list.body.metadata.resourceVersion, deleted.body.metadata.resourceVersion, 'the counter survives, deletions included');
    const next = await call(second, 'POST', VS_PATH, virtualService('ratings'));
    assert.ok(Number(next.body.metadata.resourceVersion) > Number(deleted.body.metadata.resourceVersion));
    assert.notEqual(next.body.metadata.uid, ratings.body.metadata.uid);
    await kill9(second);
  });

  it('keeps every acknowledged write of a burst cut short by kill -9, and loads nothing torn', async () => {
    const home = newHome();
    const first = await start(home);
    const acked = new Map<string, { uid: string; resourceVersion: string }>();
    let killed: Promise<void> | undefined;
    await Promise.all(Array.from({ length: 40 }, async (_, i) => {
      try {
        const res = await call(first, 'POST', VS_PATH, virtualService(`burst-${i}`));
        if (res.status !== 201) return;
        acked.set(`burst-${i}`, { uid: res.body.metadata.uid, resourceVersion: res.body.metadata.resourceVersion });
        // Kill while the rest of the burst is still being written.
        if (acked.size === 10) killed = kill9(first);
      } catch {
        // Cut off by the kill: not acknowledged, so either outcome is allowed.
      }
    }));
    await killed;
    assert.ok(acked.size >= 10);

    const second = await start(home);
    const list = await call(second, 'GET', VS_PATH);
    const served = new Map<string, { metadata: { uid: string; resourceVersion: string } }>(list.body.items.map((i: { metadata: { name: string } }) => [i.metadata.name, i]));
    for (const [name, meta] of acked) {
      assert.deepEqual({ uid: served.get(name)?.metadata.uid, resourceVersion: served.get(name)?.metadata.resourceVersion }, meta, `${name} was acknowledged`);
    }
    assert.doesNotMatch(second.stderr(), /corrupt/);
    assert.deepEqual(files(join(home, 'store')).filter((f) => f.includes('.tmp-')), [], 'unfinished writes are cleaned up');
    await kill9(second);
  });

  it('starts past a torn object file and a half-written temp file, reporting the torn file by path', async () => {
    const home = newHome();
    const first = await start(home);
    await call(first, 'POST', VS_PATH, virtualService('reviews'));
    const kept = await call(first, 'POST', VS_PATH, virtualService('details'));
    await kill9(first);

    const dir = join(home, 'store', 'networking.istio.io', 'VirtualService', 'default');
    const torn = join(dir, 'reviews.json');
    writeFileSync(torn, readFileSync(torn, 'utf8').slice(0, 40));
    writeFileSync(join(dir, `productpage.json.tmp-${first.child.pid}-0bad`), '{"apiVersion":"networking.istio.io/v1","kind":"Virtu');

    const second = await start(home);
    assert.deepEqual((await call(second, 'GET', `${VS_PATH}/details`)).body, kept.body);
    assert.equal((await call(second, 'GET', `${VS_PATH}/reviews`)).status, 404);
    assert.equal((await call(second, 'GET', `${VS_PATH}/productpage`)).status, 404);
    assert.match(second.stderr(), new RegExp(`${torn.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is corrupt: not valid JSON`));
    assert.ok(existsSync(`${torn}.corrupt`), 'the torn file is kept aside for inspection');
    assert.deepEqual(readdirSync(dir).sort(), ['details.json', 'reviews.json.corrupt']);
    // The name is free again: the store accepts a new reviews.
    assert.equal((await call(second, 'POST', VS_PATH, virtualService('reviews'))).status, 201);
    await kill9(second);
  });

  it('publishes its address in run/endpoints.json and removes it on SIGTERM', async () => {
    const home = newHome();
    const running = await start(home);
    const endpoints = JSON.parse(readFileSync(join(home, 'run', 'endpoints.json'), 'utf8'));
    assert.match(endpoints.xds, /^127\.0\.0\.1:\d+$/, 'the xDS address is published beside the API');
    assert.deepEqual(endpoints, { pid: running.child.pid, api: running.api, xds: endpoints.xds });
    const exited = new Promise<number | null>((resolve) => running.child.once('exit', (code) => resolve(code)));
    running.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    await running.agent.destroy();
    assert.ok(!existsSync(join(home, 'run', 'endpoints.json')));
    assert.ok(!existsSync(join(home, 'store', '.lock')));
  });
});
