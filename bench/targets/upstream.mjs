// The one upstream every target forwards to (and `direct` hits): a 1 KB body over HTTP/1.1
// keep-alive. nginx serving a static file is the choice: one nginx worker serves a cached 1 KB file
// several times faster than any proxy under test can forward it on the same two cores, so the
// upstream is never what limits rps_max, and its latency is a small constant subtracted out by
// `direct`. A Node upstream would top out near what a Node proxy does and blur the comparison; it
// is used only when nginx cannot be installed, and the result says so.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, stopProcess } from '../lib/processes.mjs';
import { waitForHttp } from '../lib/net.mjs';
import { startNginxUpstream } from './nginx.mjs';

export const BODY_BYTES = 1024;

/** Writes the 1 KB body (printable text, so logs and errors stay readable) into `dir`/www. */
function writeBody(dir) {
  const wwwDir = join(dir, 'www');
  const bodyFile = join(wwwDir, 'body-1k.txt');
  const line = 'skiff benchmark upstream body. ';
  mkdirSync(wwwDir, { recursive: true, mode: 0o755 });
  writeFileSync(bodyFile, `${line.repeat(Math.ceil(BODY_BYTES / line.length)).slice(0, BODY_BYTES - 1)}\n`, { mode: 0o644 });
  return bodyFile;
}

/** Starts the upstream on `port`; returns { kind, stop }. */
export async function startUpstream({ nginxPath, dir, port }) {
  const bodyFile = writeBody(dir);
  if (nginxPath) {
    const up = await startNginxUpstream({ nginxPath, dir, port, bodyFile, bodyBytes: BODY_BYTES });
    return { kind: 'nginx static file, 1 worker', stop: up.stop };
  }
  const script = fileURLToPath(new URL('./node-upstream.mjs', import.meta.url));
  const child = startProcess(process.execPath, [script, String(port), bodyFile], { outputFile: join(dir, 'node-upstream.out') });
  await waitForHttp(port, { child, expectBytes: BODY_BYTES, what: 'node upstream' });
  return { kind: 'node:http (nginx unavailable)', stop: () => stopProcess(child) };
}
