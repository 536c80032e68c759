// Reads a pod's log from the control plane (`GET …/pods/{name}/log`), handing text to `onText` as it
// arrives: all of it, or, with `follow`, until the server ends the stream or `signal` aborts it.
import { Agent, request } from 'undici';
import { ApiError, UnreachableError, toStatus } from '../client/api-errors.js';

export interface PodLogRequest {
  namespace: string;
  pod: string;
  container?: string;
  follow: boolean;
  /** Last lines only; undefined for the whole log. */
  tailLines?: number;
  limitBytes?: number;
}

export function podLogPath(r: PodLogRequest): string {
  const q = new URLSearchParams();
  if (r.container !== undefined) q.set('container', r.container);
  if (r.follow) q.set('follow', 'true');
  if (r.tailLines !== undefined) q.set('tailLines', String(r.tailLines));
  if (r.limitBytes !== undefined) q.set('limitBytes', String(r.limitBytes));
  const query = q.toString();
  return `/api/v1/namespaces/${encodeURIComponent(r.namespace)}/pods/${encodeURIComponent(r.pod)}/log${query ? `?${query}` : ''}`;
}

/** Resolves when the log has been read to its end (or the stream was aborted); server refusals throw ApiError. */
export async function streamPodLog(server: string, r: PodLogRequest, onText: (text: string) => void, signal?: AbortSignal): Promise<void> {
  const agent = new Agent({ connect: { timeout: 5_000 } });
  try {
    let res;
    try {
      res = await request(new URL(podLogPath(r), server), { dispatcher: agent, signal, headers: { accept: 'text/plain, application/json' } });
    } catch (e) {
      if (signal?.aborted) return;
      throw new UnreachableError(server, e);
    }
    if (res.statusCode >= 400) throw new ApiError(toStatus(res.statusCode, await res.body.text()));
    // Multi-byte characters may straddle chunks: the decoder keeps the partial bytes.
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        const text = decoder.decode(chunk as Buffer, { stream: true });
        if (text) onText(text);
      }
    } catch (e) {
      if (!signal?.aborted) throw e;
    }
    const rest = decoder.decode();
    if (rest) onText(rest);
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}
