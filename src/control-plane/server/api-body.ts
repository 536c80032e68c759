// Request bodies: JSON only, capped in size, with the media types the Kubernetes API server uses
// (`application/json` for create/replace, `application/merge-patch+json` for patch).
import type { IncomingMessage } from 'node:http';
import { StoreError, badRequest } from '../store/store-error.js';

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export const MERGE_PATCH = 'application/merge-patch+json';
const KNOWN_PATCH_TYPES = ['application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

function mediaType(req: IncomingMessage): string | undefined {
  const header = req.headers['content-type'];
  return header === undefined ? undefined : header.split(';')[0]!.trim().toLowerCase();
}

/** Checks the media type of a create or replace body; a missing Content-Type is taken as JSON. */
export function requireJson(req: IncomingMessage): void {
  const type = mediaType(req);
  if (type !== undefined && type !== 'application/json') {
    throw new StoreError('UnsupportedMediaType', `the body of the request was in an unknown format (${type}) - accepted media types include: application/json`);
  }
}

export function requireMergePatch(req: IncomingMessage): void {
  const type = mediaType(req);
  if (type === MERGE_PATCH) return;
  const why = type !== undefined && KNOWN_PATCH_TYPES.includes(type) ? `${type} patches are not supported by Skiff` : `the body of the request was in an unknown format (${type ?? 'no Content-Type'})`;
  throw new StoreError('UnsupportedMediaType', `${why} - accepted media types include: ${MERGE_PATCH}`);
}

/**
 * Reads and parses a JSON body. Past `limit` bytes it stops reading and fails with
 * RequestEntityTooLarge; the caller then closes the connection, since the rest is never read.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty; expected a JSON object');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Reads and discards a body the request does not use (DELETE options), within the same limit. */
export async function drainBody(req: IncomingMessage, limit: number): Promise<void> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
  }
}

function tooLarge(limit: number): StoreError {
  return new StoreError('RequestEntityTooLarge', `the request body is larger than the limit of ${limit} bytes`);
}
