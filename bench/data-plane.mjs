// The data-plane benchmark: direct, skiff, skiff2, nginx and haproxy measured in one run against
// the same 1 KB upstream, one target at a time (the machine has two cores; running targets side
// by side would measure their contention, not them).
import { cpus, release } from 'node:os';
import { log, makeTempDir } from './lib/processes.mjs';
import { freePort, LOOPBACK } from './lib/net.mjs';
import { ensureTools } from './lib/tools.mjs';
import { accessLogLines, measureTarget, runConstantRate } from './lib/measure.mjs';
import { RssSampler } from './lib/proc-stats.mjs';
import { evaluate } from './lib/report.mjs';
import { BODY_BYTES, startUpstream } from './targets/upstream.mjs';
import { startNginxPeer } from './targets/nginx.mjs';
import { startHaproxyPeer } from './targets/haproxy.mjs';
import { proxyUnavailable, startSkiff, startSkiff2, startSkiffThousandServices } from './targets/skiff.mjs';

export const TARGET_NAMES = ['direct', 'skiff', 'skiff2', 'nginx', 'haproxy'];

const round1 = (n) => Number(n.toFixed(1));

/** The starters: each resolves to { roots, accessLogs, description, stop, scrapeMetrics? }. */
function starters(tools) {
  return {
    direct: async () => ({ roots: [], accessLogs: [], description: 'client → upstream, no proxy', stop: async () => {} }),
    skiff: (o) => {
      const why = proxyUnavailable();
      if (why) throw new Error(why);
      return startSkiff(o);
    },
    skiff2: (o) => {
      const why = proxyUnavailable();
      if (why) throw new Error(why);
      return startSkiff2(o);
    },
    nginx: (o) => {
      if (!tools.paths.nginx) throw new Error(`nginx is not available: ${tools.missing.nginx}`);
      return startNginxPeer({ ...o, nginxPath: tools.paths.nginx });
    },
    haproxy: (o) => {
      if (!tools.paths.haproxy) throw new Error(`haproxy is not available: ${tools.missing.haproxy}`);
      return startHaproxyPeer({ ...o, haproxyPath: tools.paths.haproxy });
    },
  };
}

/** RSS of a sidecar holding 1,000 services, at rest and under the fixed-rate load. */
async function measureThousandServices({ dir, upstreamPort, seconds, rate, connections }) {
  const why = proxyUnavailable();
  if (why) return { value: { error: why } };
  let sidecar;
  try {
    const port = await freePort();
    log('skiff with 1,000 services: starting');
    sidecar = await startSkiffThousandServices({ dir, port, upstreamPort, bodyBytes: BODY_BYTES });
    const pids = sidecar.roots.map((c) => c.pid);
    const sampler = new RssSampler(pids);
    const loadSeconds = Math.min(seconds, 5);
    log(`skiff with 1,000 services: ${rate} rps for ${loadSeconds}s`);
    const load = await runConstantRate(`http://${LOOPBACK}:${port}/`, { rate, seconds: loadSeconds, connections, expectBytes: BODY_BYTES, pids });
    const rss = round1(sampler.stop());
    return {
      value: rss,
      detail: { services: 1000, startup_ms: sidecar.startupMs, load_seconds: loadSeconds, p50_ms: load.p50_ms, p99_ms: load.p99_ms, cpu_vcpu_per_1000rps: load.cpu_vcpu_per_1000rps },
    };
  } catch (e) {
    return { value: { error: e.message } };
  } finally {
    await sidecar?.stop();
  }
}

/** Runs the selected targets; returns the report object (see README in bench/). */
export async function runDataPlane({ seconds, only, rate = 1000, connections = 16 }) {
  const selected = only ?? TARGET_NAMES;
  const needed = ['wrk', 'nginx'];
  if (selected.includes('haproxy')) needed.push('haproxy');
  // hey is not needed: the constant-rate phase uses bench/lib/constant-rate.mjs, which corrects for
  // coordinated omission where hey's per-worker pacing does not.
  const tools = await ensureTools(needed);
  for (const [tool, why] of Object.entries(tools.missing)) log(`${tool} unavailable: ${why}`);
  const wrk = tools.paths.wrk ? { wrk: tools.paths.wrk } : { wrkMissing: `wrk is not available: ${tools.missing.wrk}` };

  const dir = makeTempDir();
  const upstreamPort = await freePort();
  const upstream = await startUpstream({ nginxPath: tools.paths.nginx, dir, port: upstreamPort });
  log(`upstream: ${upstream.kind} on ${LOOPBACK}:${upstreamPort}`);

  const results = {};
  const start = starters(tools);
  let rss1000;
  try {
    for (const name of TARGET_NAMES.filter((n) => selected.includes(n))) {
      let target;
      try {
        const port = name === 'direct' ? upstreamPort : await freePort();
        log(`${name}: starting`);
        target = await start[name]({ dir, port, upstreamPort, bodyBytes: BODY_BYTES });
        const measured = await measureTarget(name, { ...target, url: `http://${LOOPBACK}:${port}/` }, { tools: wrk, seconds, rate, connections, bodyBytes: BODY_BYTES });
        const logs = target.accessLogs;
        await target.stop();
        target = undefined;
        // Counted once the target stopped, so buffered access logs have been flushed.
        measured.detail.access_log_lines = accessLogLines(logs);
        results[name] = measured;
      } catch (e) {
        log(`${name}: ${e.message}`);
        results[name] = { error: e.message };
      } finally {
        await target?.stop();
      }
    }
    if (selected.includes('skiff')) rss1000 = await measureThousandServices({ dir, upstreamPort, seconds, rate, connections });
  } finally {
    await upstream.stop();
  }

  const { comparisons, targets } = evaluate(results, rss1000?.value);
  return {
    benchmark: 'data-plane',
    config: {
      body_bytes: BODY_BYTES,
      protocol: 'HTTP/1.1 keep-alive',
      upstream: upstream.kind,
      duration_s: seconds,
      rate,
      connections,
      rps_max_tool: tools.paths.wrk ? `wrk -t2 -c${connections} -d${seconds}s` : null,
      latency_tool: 'bench/lib/constant-rate.mjs (open loop, latency from intended send time)',
    },
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', kernel: release(), node: process.version },
    results,
    skiff_rss_mb_1000_services: rss1000 === undefined ? { error: 'not measured: skiff not selected (--only)' } : rss1000.value,
    skiff_1000_services_detail: rss1000?.detail,
    comparisons,
    targets,
    tools_missing: Object.keys(tools.missing).length > 0 ? tools.missing : undefined,
  };
}
