// The conformance suite's gRPC test server (echo.proto): one per workload, on a free loopback
// port, answering every method with its own name, the method path and the metadata it received.
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { repoRoot } from '../testkit/repo-root.js';

export const ECHO_PACKAGE = 'skiff.conformance';

/** Method paths of echo.proto, as gRPC routes match them. */
export const METHOD = {
  echo: `/${ECHO_PACKAGE}.Echo/Echo`,
  ping: `/${ECHO_PACKAGE}.Echo/Ping`,
  status: `/${ECHO_PACKAGE}.Admin/Status`,
  health: `/${ECHO_PACKAGE}.Admin/Health`,
} as const;

export interface EchoRequest { message: string }
export interface EchoResponse { backend: string; method: string; metadata: Record<string, string>; message: string }

let definition: protoLoader.PackageDefinition | undefined;

/** echo.proto loaded once per process (from the source tree, also when the tests run from dist/). */
export function echoDefinition(): protoLoader.PackageDefinition {
  definition ??= protoLoader.loadSync(join(repoRoot(), 'test', 'conformance', 'echo.proto'), { keepCase: true, defaults: true });
  return definition;
}

/** The (de)serializers of one method, for calling it on a plain grpc.Client. */
export function methodDefinition(path: string): protoLoader.MethodDefinition<EchoRequest, EchoResponse> {
  const [, service, method] = path.split('/') as [string, string, string];
  const svc = echoDefinition()[service] as protoLoader.ServiceDefinition | undefined;
  const def = svc?.[method];
  if (!def) throw new Error(`echo.proto has no method ${path}`);
  return def as protoLoader.MethodDefinition<EchoRequest, EchoResponse>;
}

export interface EchoBackend {
  /** The workload name it reports in every answer. */
  readonly name: string;
  readonly port: number;
  /** RPCs served so far. */
  calls(): number;
  close(): Promise<void>;
}

function metadataRecord(md: grpc.Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(md.getMap())) if (typeof value === 'string') out[key] = value;
  return out;
}

export async function startEchoBackend(name: string): Promise<EchoBackend> {
  const server = new grpc.Server();
  let calls = 0;
  const handler: grpc.handleUnaryCall<EchoRequest, EchoResponse> = (call, callback) => {
    calls += 1;
    callback(null, { backend: name, method: call.getPath(), metadata: metadataRecord(call.metadata), message: call.request.message });
  };
  for (const service of ['Echo', 'Admin']) {
    const def = echoDefinition()[`${ECHO_PACKAGE}.${service}`] as grpc.ServiceDefinition;
    const impl: grpc.UntypedServiceImplementation = {};
    for (const method of Object.keys(def)) impl[method] = handler as grpc.UntypedHandleCall;
    server.addService(def, impl);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return {
    name,
    port,
    calls: () => calls,
    close: () => new Promise<void>((resolve) => {
      // Channels under test may keep connections open; do not wait for them beyond a moment.
      const timer = setTimeout(() => { server.forceShutdown(); resolve(); }, 500);
      server.tryShutdown(() => { clearTimeout(timer); resolve(); });
    }),
  };
}
