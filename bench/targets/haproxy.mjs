// The `haproxy` peer: one thread, HTTP mode, keep-alive on both sides (server connections reused
// across client connections), an httplog line per request. HAProxy logs to syslog normally; here
// it writes raw log lines to its stdout, which is a file in the temp dir.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, stopProcess } from '../lib/processes.mjs';
import { LOOPBACK, waitForHttp } from '../lib/net.mjs';

export async function startHaproxyPeer({ haproxyPath, dir, port, upstreamPort, bodyBytes }) {
  const accessLog = join(dir, 'haproxy-access.log');
  const confFile = join(dir, 'haproxy.cfg');
  writeFileSync(confFile, `global
  nbthread 1
  maxconn 4096
  log stdout format raw local0 info

defaults
  mode http
  log global
  option httplog
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  timeout http-keep-alive 120s

frontend bench
  bind ${LOOPBACK}:${port}
  default_backend bench_upstream

backend bench_upstream
  server upstream ${LOOPBACK}:${upstreamPort}
`);
  // -db: foreground, no daemon; stdout (the log) goes straight to the file.
  const child = startProcess(haproxyPath, ['-db', '-f', confFile], { outputFile: accessLog });
  await waitForHttp(port, { child, expectBytes: bodyBytes, what: 'haproxy' });
  return {
    roots: [child],
    accessLogs: [accessLog],
    description: 'HAProxy, nbthread 1, http mode, keep-alive both sides, httplog to a file',
    stop: () => stopProcess(child),
  };
}
