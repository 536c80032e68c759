// Plain GETs for the debug views: the control plane's /debug/* endpoints and a proxy's admin
// (/config_dump, /clusters). One agent per call, closed after, so nothing keeps the CLI alive.
import { Agent, request } from 'undici';
import { UnreachableError } from '../client/api-errors.js';
import { cliError } from '../cli-error.js';

export class AdminUnreachableError extends Error {
  constructor(readonly url: string, cause: unknown) {
    super(`cannot reach ${url}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'AdminUnreachableError';
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

async function get(url: string, timeoutMs: number): Promise<HttpAnswer> {
  const agent = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  try {
    const res = await request(url, { method: 'GET', dispatcher: agent, headers: { accept: 'application/json' } });
    return { status: res.statusCode, text: await res.body.text() };
  } finally {
    await agent.close();
  }
}

/** `error` of a debug endpoint's JSON error body, else the text itself. */
function errorOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') return body.error;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: the text is the message
  }
  return text.trim();
}

/** GETs a control plane debug endpoint; its JSON error becomes the CLI's error. */
export async function controlPlaneJson<T>(server: string, path: string, timeoutMs = 10_000): Promise<T> {
  let answer: HttpAnswer;
  try {
    answer = await get(new URL(path, server).toString(), timeoutMs);
  } catch (e) {
    throw new UnreachableError(server, e);
  }
  if (answer.status === 404 && answer.text.includes('"kind":"Status"')) {
    throw cliError(`the control plane at ${server} does not serve ${path.split('?')[0]}: it runs without xDS, or is an older version`);
  }
  if (answer.status >= 400) throw cliError(errorOf(answer.text));
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw cliError(`the control plane answered ${path.split('?')[0]} with something that is not JSON`);
  }
}

/** GETs from a proxy's admin server; an unreachable admin is AdminUnreachableError (callers fall back). */
export async function adminJson<T>(url: string, timeoutMs = 3_000): Promise<T> {
  let answer: HttpAnswer;
  try {
    answer = await get(url, timeoutMs);
  } catch (e) {
    throw new AdminUnreachableError(url, e);
  }
  if (answer.status >= 400) throw new AdminUnreachableError(url, new Error(`HTTP ${answer.status}: ${answer.text.trim()}`));
  try {
    return JSON.parse(answer.text) as T;
  } catch (e) {
    throw new AdminUnreachableError(url, e);
  }
}
