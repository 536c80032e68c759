// nginx, both as the shared 1 KB upstream and as the `nginx` peer: one worker, proxy_pass with a
// keep-alive upstream pool, access log on. Runs in the foreground (daemon off) from a prefix in
// the benchmark's temp dir, so it touches nothing under /etc or /var.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, stopProcess } from '../lib/processes.mjs';
import { LOOPBACK, waitForHttp } from '../lib/net.mjs';

/** The main-context and http-context lines every nginx instance here shares. */
function nginxConfig(dir, name, httpBody) {
  const tmp = join(dir, `${name}-tmp`);
  mkdirSync(tmp, { recursive: true });
  return `daemon off;
master_process on;
worker_processes 1;
pid ${join(dir, `${name}.pid`)};
error_log ${join(dir, `${name}-error.log`)} warn;
events { worker_connections 4096; }
http {
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  # nginx closes a client connection after 1000 requests by default; Envoy and HAProxy do not.
  keepalive_requests 1000000;
  keepalive_timeout 120s;
${httpBody}
}
`;
}

/** Starts nginx on a config; resolves once GET / answers 200 with `expectBytes`. */
async function startNginx(nginxPath, dir, name, config, port, expectBytes) {
  const confFile = join(dir, `${name}.conf`);
  writeFileSync(confFile, config);
  // -e: the error log before the config is read would otherwise go to /var/log/nginx.
  const child = startProcess(nginxPath, ['-p', dir, '-c', confFile, '-e', join(dir, `${name}-error.log`)], {
    outputFile: join(dir, `${name}.out`),
  });
  await waitForHttp(port, { child, expectBytes, what: `nginx (${name})` });
  return child;
}

/** nginx serving one static file of `bodyBytes` bytes for every path, with keep-alive, no access log. */
export async function startNginxUpstream({ nginxPath, dir, port, bodyFile, bodyBytes }) {
  const config = nginxConfig(dir, 'upstream', `  access_log off;
  open_file_cache max=16;
  server {
    listen ${LOOPBACK}:${port};
    location / {
      default_type application/octet-stream;
      root ${join(bodyFile, '..')};
      try_files /${bodyFile.split('/').pop()} =404;
    }
  }`);
  const child = await startNginx(nginxPath, dir, 'upstream', config, port, bodyBytes);
  return { child, stop: () => stopProcess(child) };
}

/**
 * The `nginx` peer: one hop in front of the upstream. The access log is buffered and flushed every
 * second, as Envoy's file access log is (file_flush_interval defaults to 1s).
 */
export async function startNginxPeer({ nginxPath, dir, port, upstreamPort, bodyBytes }) {
  const accessLog = join(dir, 'nginx-access.log');
  const config = nginxConfig(dir, 'nginx-peer', `  access_log ${accessLog} combined buffer=64k flush=1s;
  upstream bench_upstream {
    server ${LOOPBACK}:${upstreamPort};
    keepalive 32;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
  }
  server {
    listen ${LOOPBACK}:${port};
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`);
  const child = await startNginx(nginxPath, dir, 'nginx-peer', config, port, bodyBytes);
  return {
    roots: [child],
    accessLogs: [accessLog],
    description: 'nginx, 1 worker, proxy_pass with upstream keepalive, buffered access log',
    stop: () => stopProcess(child),
  };
}
