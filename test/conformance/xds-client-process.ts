// The gRPC client side of a conformance mesh, in a process of its own: gRPC channels resolved by
// @grpc/grpc-js-xds, driven over IPC by the test. grpc-js-xds keeps an xDS client per bootstrap
// that it never shuts down, so the test ends a client by ending this process, which also closes
// its connections to the control plane at once.
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { register as registerXdsResolver } from '@grpc/grpc-js-xds';
import { methodDefinition, type EchoResponse } from './echo-backend.js';

/** grpc-js-xds reads a channel's own bootstrap from this option instead of GRPC_XDS_BOOTSTRAP. */
const BOOTSTRAP_OPTION = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';

export interface CallOptions {
  readonly metadata?: Record<string, string>;
  /** Milliseconds; 20 s by default (a first call waits for the xDS config on a loaded machine). */
  readonly deadlineMs?: number;
  /** Wait for the channel (and its xDS config) instead of failing fast; on by default. */
  readonly waitForReady?: boolean;
}

export interface TimedResult {
  /** How long the RPC took, as the client measured it. */
  readonly ms: number;
  readonly response?: EchoResponse;
  readonly error?: { readonly code: grpc.status; readonly details: string };
}

export type ClientRequest =
  | { readonly id: number; readonly op: 'open'; readonly channel: number; readonly target: string; readonly bootstrap: object }
  | { readonly id: number; readonly op: 'calls'; readonly channel: number; readonly path: string; readonly count: number; readonly concurrency: number; readonly options: CallOptions }
  | { readonly id: number; readonly op: 'close'; readonly channel: number };

export type ClientReply = { readonly id: number; readonly value?: unknown; readonly error?: string };

function call(client: grpc.Client, path: string, options: CallOptions): Promise<TimedResult> {
  const def = methodDefinition(path);
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(options.metadata ?? {})) md.set(k, v);
  const callOptions = { deadline: Date.now() + (options.deadlineMs ?? 20_000), waitForReady: options.waitForReady ?? true } as grpc.CallOptions;
  const start = performance.now();
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, def.requestSerialize, def.responseDeserialize, { message: 'hello' }, md, callOptions, (e, response) => {
      const ms = performance.now() - start;
      resolve(e ? { ms, error: { code: e.code, details: e.details } } : { ms, response: response! });
    });
  });
}

/** `count` calls with at most `concurrency` in flight, results in completion order. */
async function calls(client: grpc.Client, path: string, count: number, concurrency: number, options: CallOptions): Promise<TimedResult[]> {
  const out: TimedResult[] = [];
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started += 1;
      out.push(await call(client, path, options));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  return out;
}

function serve(): void {
  registerXdsResolver();
  const channels = new Map<number, grpc.Client>();
  const handle = async (req: ClientRequest): Promise<unknown> => {
    if (req.op === 'open') {
      channels.set(req.channel, new grpc.Client(req.target, grpc.credentials.createInsecure(), { [BOOTSTRAP_OPTION]: JSON.stringify(req.bootstrap) }));
      return undefined;
    }
    const client = channels.get(req.channel);
    if (!client) throw new Error(`no channel ${req.channel}`);
    if (req.op === 'close') {
      client.close();
      channels.delete(req.channel);
      return undefined;
    }
    return calls(client, req.path, req.count, req.concurrency, req.options);
  };
  process.on('message', (req: ClientRequest) => {
    handle(req).then(
      (value) => process.send!({ id: req.id, value } satisfies ClientReply),
      (e: Error) => process.send!({ id: req.id, error: e.stack ?? e.message } satisfies ClientReply),
    );
  });
  // The test is gone: nothing is left to serve.
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.send) serve();
