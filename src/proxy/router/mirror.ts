// request_mirror_policies: a fire-and-forget copy of the request to another cluster, with
// "-shadow" appended to the host as Envoy does. Its response is read and dropped.

import type { Dispatcher } from 'undici';
import type { HttpStream } from '../http/stream.js';
import type { UpstreamCluster } from '../upstream/upstream-cluster.js';

const DROP_RESPONSE: Dispatcher.DispatchHandler = {
  onRequestStart() {},
  onResponseStart() {},
  onResponseData() {},
  onResponseEnd() {},
  onResponseError() {},
};

function shadowHost(authority: string): string {
  const colon = authority.lastIndexOf(':');
  if (colon > 0 && !authority.endsWith(']')) return `${authority.slice(0, colon)}-shadow${authority.slice(colon)}`;
  return `${authority}-shadow`;
}

export function sendMirror(cluster: UpstreamCluster, stream: HttpStream, path: string, body: Buffer | null): void {
  const host = cluster.chooseHost(undefined, 0);
  if (!host || !cluster.resources.requests.canCreate()) return;
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(stream.view.headers)) if (v !== undefined) headers[k] = v;
  headers.host = shadowHost(String(stream.view.headers.host ?? stream.view.authority));
  cluster.stats.rqTotal.value++;
  cluster.dispatcherFor(host, stream.isHttp2).dispatch({ origin: `http://${host.key}`, path, method: stream.view.method, headers, body }, DROP_RESPONSE);
}
