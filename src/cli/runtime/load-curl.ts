// `skiff load -curl URL`: one request, printed as fortio's curl mode prints it: the status line,
// the response headers, a blank line, then the body. Through the sidecar when HTTP_PROXY is set.
import { STATUS_CODES } from 'node:http';
import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { cliError } from '../cli-error.js';
import type { CliIO } from '../io.js';
import type { LoadOptions } from '../load/load-options.js';

function dispatcherFor(env: CliIO['env']): Dispatcher {
  const httpProxy = env.HTTP_PROXY || env.http_proxy;
  const httpsProxy = env.HTTPS_PROXY || env.https_proxy;
  if (!httpProxy && !httpsProxy) return new Agent();
  // The proxy comes from the command's environment (not necessarily this process's); plain-HTTP
  // calls go to the sidecar in absolute form, as curl sends them.
  return new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy: env.NO_PROXY ?? env.no_proxy ?? '', proxyTunnel: false });
}

export async function runCurl(io: CliIO, opts: LoadOptions): Promise<number> {
  const dispatcher = dispatcherFor(io.env);
  try {
    let res;
    try {
      res = await request(opts.url, {
        method: opts.method as Dispatcher.HttpMethod, headers: opts.headers, dispatcher,
        headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs,
      });
    } catch (e) {
      throw cliError(`unable to connect to ${opts.url}: ${(e as Error).message}`);
    }
    const body = await res.body.text();
    const lines = [`HTTP/1.1 ${res.statusCode} ${STATUS_CODES[res.statusCode] ?? ''}`.trimEnd()];
    for (const [name, value] of Object.entries(res.headers)) {
      for (const v of Array.isArray(value) ? value : [value ?? '']) lines.push(`${name}: ${v}`);
    }
    io.stdout.write(`${lines.join('\n')}\n\n${body}`);
    return 0;
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}
