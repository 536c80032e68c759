// What the router needs from a host's connection pool: undici's dispatch protocol. The HTTP/1.1
// pool (http1-pool.ts) and undici's H2CClient (cleartext HTTP/2) both provide it.

import type { Dispatcher } from 'undici';

export interface UpstreamDispatcher {
  /** Sends a request; the handler hears of its start, response, body, end or error. */
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  /** Lets requests in flight finish, then closes the connections. */
  close(): Promise<void>;
  /** Closes every connection now. */
  destroy(): Promise<void>;
  on(event: 'connect' | 'disconnect' | 'connectionError', listener: () => void): unknown;
}
