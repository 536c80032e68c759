// The measurement every target gets, in the same order and with the same tools: a short wrk
// warm-up, saturation with wrk (rps_max), then latency at a fixed rate with the open-loop
// generator while the target's CPU time is read from /proc (cpu_vcpu_per_1000rps). The target's
// RSS is sampled throughout (rss_mb is the maximum).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { log, runToEnd, sleep } from './processes.mjs';
import { cpuSeconds, processTree, RssSampler } from './proc-stats.mjs';
import { runWrk } from './wrk.mjs';

const GENERATOR = fileURLToPath(new URL('./constant-rate.mjs', import.meta.url));

const round = (n, digits) => (n === null || n === undefined ? null : Number(n.toFixed(digits)));

/**
 * Runs the open-loop generator in its own process. `pids` (may be empty) are the processes whose
 * CPU time is read when the generator starts and stops sending.
 */
export async function runConstantRate(url, { rate, seconds, connections, expectBytes, pids = [] }) {
  let cpuStart;
  let cpuEnd;
  let result;
  const res = await runToEnd(process.execPath, [GENERATOR, '--url', url, '--rate', String(rate), '--duration', String(seconds), '--connections', String(connections), '--expect-bytes', String(expectBytes)], {
    timeoutMs: (seconds + 60) * 1000,
    onStdoutLine(line) {
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.event === 'start') cpuStart = cpuSeconds(pids);
      else if (event.event === 'end') cpuEnd = cpuSeconds(pids);
      else if (event.event === 'result') result = event;
    },
  });
  if (res.code !== 0 || !result) throw new Error(`the constant-rate generator failed (${res.code ?? res.signal}): ${res.stderr.trim().slice(0, 500)}`);
  const served = result.ok + result.non2xx + result.wrong_size;
  const cpu = pids.length > 0 && cpuStart !== undefined && cpuEnd !== undefined && served > 0 ? cpuEnd - cpuStart : undefined;
  const { event, ...figures } = result;
  return {
    ...figures,
    // CPU-seconds per 1,000 requests equals vCPUs used per 1,000 requests per second.
    cpu_vcpu_per_1000rps: cpu === undefined ? null : round((cpu / served) * 1000, 4),
    cpu_seconds: cpu === undefined ? null : round(cpu, 2),
  };
}

/** Lines in the target's access logs; read after it stopped, so buffered logs are flushed. */
export function accessLogLines(files) {
  return files.length === 0 ? null : files.reduce((a, f) => a + (countLines(f) ?? 0), 0);
}

function countLines(file) {
  try {
    const text = readFileSync(file, 'utf8');
    let n = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    return n;
  } catch {
    return null;
  }
}

/**
 * Measures one started target. `target`: { url, roots: ChildProcess[] (empty for direct),
 * accessLogs: string[], description, scrapeMetrics?: () => Promise<object> }.
 * `tools.wrk` may be undefined: rps_max is then null with the reason.
 */
export async function measureTarget(name, target, { tools, seconds, rate, connections, bodyBytes }) {
  const pids = target.roots.flatMap((c) => processTree(c.pid));
  const rss = pids.length > 0 ? new RssSampler(pids) : undefined;
  const result = { rps_max: null, p50_ms: null, p90_ms: null, p99_ms: null, cpu_vcpu_per_1000rps: null, rss_mb: null };
  const detail = { description: target.description, processes: pids.length };
  try {
    if (tools.wrk) {
      log(`${name}: warm-up (wrk -t2 -c${connections} -d2s)`);
      await runWrk(tools.wrk, target.url, { threads: 2, connections, seconds: 2 });
      log(`${name}: saturation (wrk -t2 -c${connections} -d${seconds}s)`);
      const wrk = await runWrk(tools.wrk, target.url, { threads: 2, connections, seconds });
      result.rps_max = Math.round(wrk.rps);
      detail.wrk = wrk;
      if (wrk.socketErrors > 0 || wrk.non2xx > 0) log(`${name}: wrk saw ${wrk.socketErrors} socket errors and ${wrk.non2xx} non-2xx answers`);
      await sleep(1000);
    } else {
      detail.rps_max_error = tools.wrkMissing;
    }
    log(`${name}: ${rate} rps for ${seconds}s on ${connections} connections (open loop)`);
    const latency = await runConstantRate(target.url, { rate, seconds, connections, expectBytes: bodyBytes, pids });
    Object.assign(result, {
      p50_ms: latency.p50_ms,
      p90_ms: latency.p90_ms,
      p99_ms: latency.p99_ms,
      cpu_vcpu_per_1000rps: latency.cpu_vcpu_per_1000rps,
    });
    // An open-loop run that fell behind measured a queue, not the target's latency at this rate.
    detail.latency = { ...latency, sustained: latency.achieved_rps >= rate * 0.97 };
    const failed = latency.non2xx + latency.wrong_size + latency.unfinished + Object.values(latency.errors).reduce((a, n) => a + n, 0);
    if (failed > 0) log(`${name}: ${failed} of ${latency.requests} requests at ${rate} rps failed`);
    if (target.scrapeMetrics) detail.metrics = await target.scrapeMetrics();
  } finally {
    if (rss) result.rss_mb = round(rss.stop(), 1);
  }
  return { ...result, detail };
}
