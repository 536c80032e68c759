// Free loopback ports for pods, sidecars and gateways. They come from below the kernel's
// ephemeral range: a port found free there cannot be taken by another program's port-0 bind in
// the moment between our check and the sidecar binding it (which happened with kernel-picked
// ports on a busy machine). Each process starts at a random point, so meshes side by side rarely
// probe the same ports.
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';

const RANGE_START = 20000;

/** The first port the kernel hands out for port-0 binds (Linux); 32768 elsewhere. */
function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > RANGE_START + 1000) return first;
  } catch {
    // Not Linux: macOS and Windows start their ephemeral ranges at 49152.
  }
  return 32768;
}

const RANGE_END = ephemeralStart();
let cursor = RANGE_START + Math.floor(Math.random() * (RANGE_END - RANGE_START));

function tryBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function allocatePort(host = '127.0.0.1'): Promise<number> {
  for (let tries = 0; tries < RANGE_END - RANGE_START; tries++) {
    const port = cursor;
    cursor = cursor + 1 >= RANGE_END ? RANGE_START : cursor + 1;
    if (await tryBind(port, host)) return port;
  }
  throw new Error(`no free port on ${host} between ${RANGE_START} and ${RANGE_END}`);
}

/** Whether something accepts TCP connections on host:port (readiness without a probe). */
export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    import('node:net').then(({ connect }) => {
      const socket = connect({ port, host });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  });
}
