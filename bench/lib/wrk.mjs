// Saturation throughput with wrk (closed loop: each connection sends its next request as soon as
// the previous answer arrives), the usual way to find a proxy's maximum requests per second.
import { runToEnd } from './processes.mjs';

/** Parses wrk's summary. Throws with wrk's own output when it did not produce one. */
export function parseWrk(output) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(output);
  if (!rps || !total) throw new Error(`wrk printed no summary: ${output.trim().slice(0, 500)}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const unit = { us: 1e-6, ms: 1e-3, s: 1, m: 60 }[total[3]];
  return {
    rps: Number(rps[1]),
    requests: Number(total[1]),
    seconds: Number(total[2]) * unit,
    socketErrors: socket ? socket.slice(1).reduce((a, n) => a + Number(n), 0) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}

/** `wrk -t<threads> -c<connections> -d<seconds>s URL`; keep-alive is wrk's default (HTTP/1.1). */
export async function runWrk(wrkPath, url, { threads = 2, connections = 16, seconds = 10 } = {}) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', url];
  const res = await runToEnd(wrkPath, args, { timeoutMs: (seconds + 30) * 1000 });
  if (res.code !== 0) throw new Error(`wrk ${args.join(' ')} failed (${res.code ?? res.signal}): ${(res.stderr || res.stdout).trim().slice(0, 500)}`);
  return parseWrk(res.stdout);
}
