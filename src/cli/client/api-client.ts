// The CLI's client for the control plane's Kubernetes-shaped HTTP API.
import { Agent, request } from 'undici';
import type { Resource } from '../../config/resource.js';
import { ApiError, UnreachableError, toStatus } from './api-errors.js';
import { resourcePath, type ResourceTarget } from './api-paths.js';

export interface ResourceList {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string };
  items: Resource[];
}

interface CallOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | undefined>;
}

export class ApiClient {
  // One agent per command run, closed at the end, so no idle keep-alive socket holds the process open.
  private readonly agent = new Agent({ keepAliveTimeout: 1_000, connect: { timeout: 5_000 } });

  constructor(readonly server: string) {}

  async get(t: ResourceTarget & { name: string }): Promise<Resource> {
    return this.call<Resource>('GET', resourcePath(t));
  }

  async list(t: ResourceTarget, labelSelector?: string): Promise<ResourceList> {
    const list = await this.call<ResourceList>('GET', resourcePath(t), { query: { labelSelector } });
    return { ...list, items: Array.isArray(list.items) ? list.items : [] };
  }

  async create(t: ResourceTarget, obj: Resource): Promise<Resource> {
    return this.call<Resource>('POST', resourcePath({ ...t, name: undefined }), { body: obj });
  }

  async replace(t: ResourceTarget & { name: string }, obj: Resource): Promise<Resource> {
    return this.call<Resource>('PUT', resourcePath(t), { body: obj });
  }

  async mergePatch(t: ResourceTarget & { name: string }, patch: unknown): Promise<Resource> {
    return this.call<Resource>('PATCH', resourcePath(t), { body: patch, contentType: 'application/merge-patch+json' });
  }

  async delete(t: ResourceTarget & { name: string }): Promise<unknown> {
    return this.call<unknown>('DELETE', resourcePath(t));
  }

  /** The server's `/version` document. */
  async version(): Promise<Record<string, unknown>> {
    return this.call<Record<string, unknown>>('GET', '/version');
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const url = new URL(path, this.server);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, v);
    let res;
    try {
      res = await request(url, {
        method: method as 'GET',
        dispatcher: this.agent,
        headers: { accept: 'application/json', ...(opts.body !== undefined ? { 'content-type': opts.contentType ?? 'application/json' } : {}) },
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      });
    } catch (e) {
      throw new UnreachableError(this.server, e);
    }
    const text = await res.body.text();
    if (res.statusCode >= 400) throw new ApiError(toStatus(res.statusCode, text));
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError({ kind: 'Status', code: 500, reason: 'InternalError', message: `the server sent a response that is not JSON (${method} ${url.pathname})` });
    }
  }
}
