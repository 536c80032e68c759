// Builders shared by the config unit tests (not loaded by the proxy itself).

import { ErrorSink } from './reader.js';
import type { HeaderMap, RequestView } from './request-view.js';

export function view(path: string, opts: { authority?: string; method?: string; headers?: HeaderMap; remoteAddress?: string } = {}): RequestView {
  return {
    method: opts.method ?? 'GET',
    path,
    authority: opts.authority ?? 'example.com',
    scheme: 'http',
    headers: opts.headers ?? {},
    remoteAddress: opts.remoteAddress ?? '127.0.0.1',
  };
}

/** Runs a compile function and returns its result and the error strings (`path: message`). */
export function compile<T>(fn: (value: unknown, path: string, sink: ErrorSink) => T | undefined, value: unknown, path = ''): { value: T | undefined; errors: string[] } {
  const sink = new ErrorSink();
  const result = fn(value, path, sink);
  return { value: result, errors: sink.errors.map((e) => `${e.path}: ${e.message}`) };
}
