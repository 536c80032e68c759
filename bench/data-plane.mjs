// The data-plane benchmark: direct, skiff, skiff2, nginx and haproxy measured in one run against
// the same 1 KB upstream. All targets are up together but only one is loaded at a time (the
// machine has two cores: loading two at once would measure their contention, not them).
import { cpus, loadavg, release } from 'node:os';
import { interrupted, log, makeTempDir } from './lib/processes.mjs';
import { freePort, LOOPBACK } from './lib/net.mjs';
import { ensureTools } from './lib/tools.mjs';
import { accessLogLines, runConstantRate, TargetRun } from './lib/measure.mjs';
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

/** The maximum RSS of a sidecar holding 1,000 services, once loaded and through a fixed-rate load. */
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
      detail: { services: 1000, startup_ms: sidecar.startupMs, load_seconds: loadSeconds, p50_ms: load.figures.p50_ms, p99_ms: load.figures.p99_ms, achieved_rps: load.figures.achieved_rps },
    };
  } catch (e) {
    return { value: { error: e.message } };
  } finally {
    await sidecar?.stop();
  }
}

/** Runs `step` for every live target; a target that fails is marked and left out from then on. */
async function eachTarget(runs, step) {
  for (const run of runs) {
    if (run.error || interrupted()) continue;
    try {
      await step(run);
    } catch (e) {
      run.error = e.message;
      log(`${run.name}: ${e.message}`);
    }
  }
}

/** Runs the selected targets; returns the report object (see bench/README.md). */
export async function runDataPlane({ seconds, only, rate = 1000, connections = 16, slices = 5 }) {
  const loadAtStart = loadavg().map((n) => Number(n.toFixed(2)));
  const selected = only ?? TARGET_NAMES;
  const needed = ['wrk', 'nginx'];
  if (selected.includes('haproxy')) needed.push('haproxy');
  // hey is not needed: the constant-rate phase uses bench/lib/constant-rate.mjs, which corrects for
  // coordinated omission where hey's per-worker pacing does not.
  const tools = await ensureTools(needed);
  for (const [tool, why] of Object.entries(tools.missing)) log(`${tool} unavailable: ${why}`);
  const wrkMissing = tools.paths.wrk ? undefined : `wrk is not available: ${tools.missing.wrk}`;

  const dir = makeTempDir();
  const upstreamPort = await freePort();
  const upstream = await startUpstream({ nginxPath: tools.paths.nginx, dir, port: upstreamPort });
  log(`upstream: ${upstream.kind} on ${LOOPBACK}:${upstreamPort}`);

  const results = {};
  const started = [];
  const runs = [];
  const start = starters(tools);
  // wrk takes whole seconds; keep slices at 2 s or more and their total within --duration.
  const sliceCount = Math.max(1, Math.min(slices, Math.floor(seconds / 2)));
  const sliceSeconds = Math.max(1, Math.floor(seconds / sliceCount));
  let rss1000;
  try {
    // Every target runs side by side, idle but for the one being measured, so the phases can be
    // interleaved: direct, skiff, …, haproxy, then again, each slice a fraction of --duration.
    for (const name of TARGET_NAMES.filter((n) => selected.includes(n))) {
      try {
        const port = name === 'direct' ? upstreamPort : await freePort();
        log(`${name}: starting`);
        const target = await start[name]({ dir, port, upstreamPort, bodyBytes: BODY_BYTES });
        started.push(target);
        runs.push(new TargetRun(name, { ...target, url: `http://${LOOPBACK}:${port}/` }, { rate, connections, bodyBytes: BODY_BYTES }));
      } catch (e) {
        log(`${name}: ${e.message}`);
        results[name] = { error: e.message };
      }
    }
    if (tools.paths.wrk) {
      await eachTarget(runs, (run) => {
        log(`${run.name}: warm-up (wrk -t2 -c${connections} -d2s)`);
        return run.warmUp(tools.paths.wrk);
      });
      for (let i = 1; i <= sliceCount; i++) {
        await eachTarget(runs, (run) => {
          log(`${run.name}: saturation ${i}/${sliceCount} (wrk -t2 -c${connections} -d${sliceSeconds}s)`);
          return run.saturate(tools.paths.wrk, sliceSeconds);
        });
      }
    }
    for (let i = 1; i <= sliceCount; i++) {
      await eachTarget(runs, (run) => {
        log(`${run.name}: ${rate} rps ${i}/${sliceCount} for ${sliceSeconds}s on ${connections} connections (open loop)`);
        return run.fixedRate(sliceSeconds);
      });
    }
    for (const run of runs) results[run.name] = run.error ? { error: run.error } : await run.result({ wrkMissing });
  } finally {
    for (const run of runs) run.stopSampling();
    await Promise.all(started.map((t) => t.stop()));
  }
  // Counted once the targets stopped, so buffered access logs have been flushed.
  for (const run of runs) if (!results[run.name].error) results[run.name].detail.access_log_lines = accessLogLines(run.target.accessLogs);
  try {
    if (selected.includes('skiff') && !interrupted()) rss1000 = await measureThousandServices({ dir, upstreamPort, seconds, rate, connections });
  } finally {
    await upstream.stop();
  }

  const ordered = Object.fromEntries(TARGET_NAMES.filter((n) => n in results).map((n) => [n, results[n]]));
  const { comparisons, targets } = evaluate(ordered, rss1000?.value);
  return {
    benchmark: 'data-plane',
    config: {
      body_bytes: BODY_BYTES,
      protocol: 'HTTP/1.1 keep-alive',
      upstream: upstream.kind,
      duration_s: sliceSeconds * sliceCount,
      slices: sliceCount,
      rate,
      connections,
      rps_max_tool: tools.paths.wrk ? `wrk -t2 -c${connections}, ${sliceCount} slice(s) of ${sliceSeconds}s interleaved across targets, best slice` : null,
      latency_tool: `bench/lib/constant-rate.mjs: open loop (requests dispatched on schedule, never held back for answers), ${sliceCount} slice(s) of ${sliceSeconds}s interleaved across targets, histograms merged`,
    },
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', kernel: release(), node: process.version, load_average_at_start: loadAtStart },
    results: ordered,
    skiff_rss_mb_1000_services: rss1000 === undefined ? { error: 'not measured: skiff not selected (--only)' } : rss1000.value,
    skiff_1000_services_detail: rss1000?.detail,
    comparisons,
    targets,
    tools_missing: Object.keys(tools.missing).length > 0 ? tools.missing : undefined,
  };
}
