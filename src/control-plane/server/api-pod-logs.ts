// `GET /api/v1/namespaces/{ns}/pods/{name}/log`: a container's log, as the Kubernetes API serves it
// (PodLogOptions `container`, `tailLines`, `limitBytes`, `follow`). The local runtime appends each
// container's output to `<logRoot>/<ns>/<pod>/<container>.log`; with `follow=true` the response keeps
// streaming appended bytes until the client goes away, the pod is deleted or the server closes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Resource } from '../../config/resource.js';
import type { ConfigStore } from '../store/config-store.js';
import { StoreError, badRequest, notFound } from '../store/store-error.js';
import { methodNotAllowed } from './api-status.js';
import type { WatchRegistry } from './api-watch.js';

const POD = { group: '', kind: 'Pod' };
const CHUNK = 64 * 1024;
/** How often a follow stream looks for appended bytes (the file is written by another process). */
const FOLLOW_POLL_MS = 200;

export interface PodLogRoute {
  namespace: string;
  name: string;
}

export interface PodLogContext {
  store: ConfigStore;
  /** Where the runtime writes container logs; undefined when this control plane runs no pods. */
  logRoot?: string;
  /** Open streams, ended when the server closes (shared with watches). */
  streams: WatchRegistry;
}

/** The pod-log route for a path, or undefined when the path is something else. */
export function parsePodLogPath(pathname: string): PodLogRoute | undefined {
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log\/?$/.exec(pathname);
  if (!m) return undefined;
  try {
    return { namespace: decodeURIComponent(m[1]!), name: decodeURIComponent(m[2]!) };
  } catch {
    throw badRequest(`malformed path "${pathname}": invalid percent-encoding`);
  }
}

interface LogQuery {
  container?: string;
  follow: boolean;
  tailLines?: number;
  limitBytes?: number;
}

function parseQuery(q: URLSearchParams): LogQuery {
  const flag = (name: string) => {
    const v = q.get(name);
    if (v === null || v === '' || v === 'false' || v === '0') return false;
    if (v === 'true' || v === '1') return true;
    throw badRequest(`invalid value "${v}" for ${name}: expected true or false`);
  };
  const count = (name: string, min: number) => {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v) || Number(v) < min) throw badRequest(`invalid value "${v}" for ${name}: expected an integer >= ${min}`);
    return Number(v);
  };
  // Options whose meaning the runtime's single log file per container cannot honour are refused, not ignored.
  if (flag('previous')) throw badRequest('previous=true is not supported by Skiff: a container\'s restarts share one log file, so the previous run\'s output is already in the current log');
  if (flag('timestamps')) throw badRequest('timestamps=true is not supported by Skiff: the runtime records container output without timestamps');
  for (const name of ['sinceSeconds', 'sinceTime']) {
    if (q.get(name)) throw badRequest(`${name} is not supported by Skiff: the runtime records container output without timestamps`);
  }
  const tail = count('tailLines', -1);
  return {
    container: q.get('container') || undefined,
    follow: flag('follow'),
    tailLines: tail === undefined || tail < 0 ? undefined : tail,
    limitBytes: count('limitBytes', 1),
  };
}

interface PodView {
  spec?: { containers?: { name: string }[] };
  status?: { containerStatuses?: { name: string; state?: { waiting?: { reason?: string } } }[] };
}

/** The container to read, chosen as the Kubernetes API server does when none is named. */
function chooseContainer(pod: Resource & PodView, requested: string | undefined): string {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  if (requested === undefined) {
    if (names.length === 1) return names[0]!;
    throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`);
  }
  if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
  return requested;
}

export async function servePodLog(ctx: PodLogContext, req: IncomingMessage, res: ServerResponse, route: PodLogRoute, query: URLSearchParams): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req.method ?? '', ['GET']);
  const opts = parseQuery(query);
  const pod = ctx.store.get(POD, route.namespace, route.name) as (Resource & PodView) | undefined;
  if (!pod) throw notFound(POD, route.name);
  const container = chooseContainer(pod, opts.container);
  if (ctx.logRoot === undefined) throw new StoreError('ServiceUnavailable', 'pod logs are not available: this control plane runs no local runtime');
  const file = logFile(ctx.logRoot, route.namespace, route.name, container);
  const size = await fileSize(file);
  if (size === undefined) {
    const reason = pod.status?.containerStatuses?.find((s) => s.name === container)?.state?.waiting?.reason ?? 'ContainerCreating';
    throw badRequest(`container "${container}" in pod "${route.name}" is waiting to start: ${reason}`);
  }

  const fh = await open(file, 'r');
  try {
    let offset = opts.tailLines === undefined ? 0 : await tailOffset(fh, size, opts.tailLines);
    let budget = opts.limitBytes ?? Infinity;
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache, private', 'x-content-type-options': 'nosniff' });
    if (req.method === 'HEAD') return void res.end();
    res.flushHeaders();
    const sent = await copy(fh, res, offset, opts.follow ? Infinity : size, budget);
    offset += sent;
    budget -= sent;
    if (!opts.follow || budget <= 0) return void res.end();
    await follow(ctx, fh, res, pod, offset, budget);
  } finally {
    await fh.close();
  }
}

/** Streams what is appended to the log until the client leaves, the pod goes, or the server closes. */
async function follow(ctx: PodLogContext, fh: FileHandle, res: ServerResponse, pod: Resource, offset: number, budget: number): Promise<void> {
  ctx.streams.add(res);
  let closed = false;
  let wake: (() => void) | undefined;
  res.on('close', () => {
    closed = true;
    wake?.();
  });
  try {
    while (!closed && budget > 0) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, FOLLOW_POLL_MS).unref();
      });
      if (closed) break;
      const current = ctx.store.get(POD, pod.metadata.namespace, pod.metadata.name);
      const { size } = await fh.stat();
      // A truncated (rotated) file is read again from its start, as `tail -F` does.
      if (size < offset) offset = 0;
      const sent = await copy(fh, res, offset, size, budget);
      offset += sent;
      budget -= sent;
      if (!current || current.metadata.uid !== pod.metadata.uid) break;
    }
  } finally {
    ctx.streams.delete(res);
    if (!res.writableEnded) res.end();
  }
}

/** Copies bytes [from, to) of the file (to EOF when `to` is Infinity), at most `budget`; returns the count. */
async function copy(fh: FileHandle, res: ServerResponse, from: number, to: number, budget: number): Promise<number> {
  const buf = Buffer.alloc(CHUNK);
  let pos = from;
  while (pos < to && pos - from < budget && !res.destroyed && !res.writableEnded) {
    const want = Math.min(CHUNK, to - pos, budget - (pos - from));
    const { bytesRead } = await fh.read(buf, 0, want, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    if (!res.write(Buffer.from(buf.subarray(0, bytesRead)))) {
      await new Promise<void>((r) => {
        res.once('drain', r);
        res.once('close', r);
      });
    }
  }
  return pos - from;
}

/** The offset where the last `lines` lines begin; a trailing newline ends the last line, not a new one. */
export async function tailOffset(fh: FileHandle, size: number, lines: number): Promise<number> {
  if (lines <= 0) return size;
  const buf = Buffer.alloc(CHUNK);
  let pos = size;
  let count = 0;
  while (pos > 0) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    await fh.read(buf, 0, len, pos);
    for (let i = len - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a || pos + i === size - 1) continue;
      if (++count === lines) return pos + i + 1;
    }
  }
  return 0;
}

function logFile(root: string, namespace: string, pod: string, container: string): string {
  const base = resolve(root);
  const file = resolve(join(base, namespace, pod, `${container}.log`));
  // Names come from validated objects, but a path outside the log root is never served.
  if (!file.startsWith(base + sep)) throw badRequest(`invalid log path for pod "${pod}" container "${container}"`);
  return file;
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}
