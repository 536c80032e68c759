// The control-plane benchmark (`npm run bench -- ads`): the real control plane in its own process,
// S services with E endpoints applied through its API, N simulated sidecars on state-of-the-world
// ADS streams, then R config changes; for each, the time from the `apply` to each proxy's ACK of
// the version that carries it (p50, p99, and the last ACK), with the control plane's CPU and RSS.
// Target: p99 under 1 s on a 2-core machine with 1,000 proxies, 100 services, 500 endpoints.
import { cpus, loadavg, release } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { log, makeTempDir, startProcess, stopProcess, interrupted, processOutput } from './lib/processes.mjs';
import { cpuSeconds, RssSampler, rssMb } from './lib/proc-stats.mjs';
import { AdsFleet, percentile } from './lib/ads-fleet.mjs';
import { apiClient, changeFor, loadMesh, NAMESPACE } from './lib/ads-fixtures.mjs';
import { REPO_ROOT } from './targets/skiff.mjs';

const CHILD = fileURLToPath(new URL('./lib/control-plane-child.mjs', import.meta.url));
const XDS_MODULE = join(REPO_ROOT, 'dist/src/xds/index.js');
const P99_TARGET_MS = 1000;

const round = (n, d = 1) => (n === null || n === undefined ? null : Number(n.toFixed(d)));

function summary(times) {
  return { first_ack_ms: round(times[0] ?? null), p50_ms: round(percentile(times, 50)), p99_ms: round(percentile(times, 99)), last_ack_ms: round(times.at(-1) ?? null), samples: times.length };
}

/** Starts the control plane child; resolves to { child, api, xdsPort } or throws with its own words. */
async function startControlPlaneChild(home) {
  // ADS_BENCH_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the control plane.
  const flags = (process.env.ADS_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = startProcess(process.execPath, [...flags, CHILD, home]);
  const line = await new Promise((resolve) => {
    let buffered = '';
    const timer = setTimeout(() => resolve(undefined), 60_000);
    child.stdout.on('data', (chunk) => {
      buffered += chunk.toString();
      const nl = buffered.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buffered.slice(0, nl));
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  let ready;
  try {
    ready = line === undefined ? undefined : JSON.parse(line);
  } catch {
    ready = undefined;
  }
  if (!ready || ready.error) {
    await stopProcess(child);
    throw new Error(ready?.error ?? `the control plane did not start: ${processOutput(child, 1500).trim() || 'no output'}`);
  }
  return { child, api: ready.api, xdsPort: ready.xdsPort };
}

export async function runAdsLoad({ clients, services, endpoints, rounds, quietMs = 1500 }) {
  const report = {
    benchmark: 'ads-load',
    config: { clients, services, endpoints, rounds, namespace: NAMESPACE, quiet_ms: quietMs, mode: 'state of the world (SotW) ADS' },
    machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', kernel: release(), node: process.version, load_average_at_start: loadavg().map((n) => Number(n.toFixed(2))) },
  };
  if (!existsSync(XDS_MODULE)) return { ...report, error: 'dist/src/xds/index.js is missing: build the project first (`npm install` builds it, or `npm run build`)' };
  const xds = await import(pathToFileURL(XDS_MODULE).href);

  const home = makeTempDir('skiff-ads-bench-');
  let controlPlane;
  let fleet;
  try {
    log('ads: starting the control plane');
    try {
      controlPlane = await startControlPlaneChild(home);
    } catch (e) {
      return { ...report, error: e.message };
    }
    const pid = controlPlane.child.pid;
    const rss = new RssSampler([pid]);
    const call = apiClient(controlPlane.api);
    log(`ads: applying ${services} ServiceEntries with ${endpoints} endpoints`);
    await loadMesh(call, { services, endpoints });

    log(`ads: connecting ${clients} ADS clients to 127.0.0.1:${controlPlane.xdsPort}`);
    fleet = new AdsFleet({ xds, address: `127.0.0.1:${controlPlane.xdsPort}`, count: clients, namespace: NAMESPACE });
    const sync = await fleet.connect(180_000);
    report.initial_sync_s = round(sync.seconds, 2);
    await fleet.quiesce(quietMs, 60_000);
    report.control_plane_rss_mb_after_sync = round(rssMb([pid]));

    const perRound = [];
    const all = [];
    const byKind = {};
    let cpu = 0;
    let wall = 0;
    const clientCpuStart = process.cpuUsage();
    for (let r = 1; r <= rounds && !interrupted(); r++) {
      const change = changeFor(r, { services, endpoints });
      await fleet.quiesce(quietMs, 30_000);
      log(`ads: round ${r}/${rounds}: ${change.kind}`);
      const cpuStart = cpuSeconds([pid]);
      const wallStart = performance.now();
      const m = await fleet.measureChange(() => change.apply(call), { quietMs });
      // The quiet tail after the last ACK is idle time; CPU is charged to the change window only.
      wall += (m.times.at(-1) ?? performance.now() - wallStart) / 1000;
      cpu += cpuSeconds([pid]) - cpuStart;
      all.push(...m.times);
      (byKind[change.kind] ??= []).push(...m.times);
      perRound.push({ round: r, change: change.kind, apply_ms: round(m.applyMs), ...summary(m.times), proxies_without_change: m.unchanged, settled: m.settled });
    }
    const clientCpu = process.cpuUsage(clientCpuStart);
    all.sort((a, b) => a - b);
    for (const list of Object.values(byKind)) list.sort((a, b) => a - b);

    report.apply_to_ack_ms = summary(all);
    report.by_change = Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, summary(v)]));
    report.rounds = perRound;
    report.control_plane = {
      cpu_vcpu_while_converging: wall > 0 ? round(cpu / wall, 2) : null,
      cpu_seconds_per_change: perRound.length > 0 ? round(cpu / perRound.length, 3) : null,
      rss_mb_max: round(rss.stop()),
    };
    report.load_generator = {
      cpu_seconds: round((clientCpu.user + clientCpu.system) / 1e6, 2),
      note: 'the simulated proxies share the machine with the control plane; their CPU time is shown so a saturated generator is visible',
    };
    report.nacks = fleet.nacks();
    report.stream_errors = fleet.streamErrors();
    const p99 = report.apply_to_ack_ms.p99_ms;
    const missing = perRound.filter((p) => p.proxies_without_change > 0);
    report.target = {
      p99_under_1s: {
        value: p99,
        limit: P99_TARGET_MS,
        met: p99 === null ? null : p99 < P99_TARGET_MS && missing.length === 0,
        ...(missing.length > 0 ? { reason: `in ${missing.length} round(s) some proxies never ACKed a changed version` } : {}),
      },
    };
    return report;
  } catch (e) {
    return { ...report, error: e.message };
  } finally {
    fleet?.close();
    if (controlPlane) await stopProcess(controlPlane.child);
  }
}

function formatText(r) {
  const lines = [`Control plane ADS load: ${r.config.clients} SotW clients, ${r.config.services} services, ${r.config.endpoints} endpoints, ${r.config.rounds} changes`];
  if (r.error) return `${lines[0]}\n  error: ${r.error}\n`;
  lines.push(`  initial sync of all clients: ${r.initial_sync_s} s`);
  const a = r.apply_to_ack_ms;
  lines.push(`  apply → ACK: p50 ${a.p50_ms} ms, p99 ${a.p99_ms} ms, last ACK ${a.last_ack_ms} ms (${a.samples} proxy-changes)`);
  for (const [k, s] of Object.entries(r.by_change)) lines.push(`    ${k.padEnd(15)} first ${s.first_ack_ms} ms  p50 ${s.p50_ms} ms  p99 ${s.p99_ms} ms  last ${s.last_ack_ms} ms`);
  lines.push(`  control plane: ${r.control_plane.cpu_vcpu_while_converging} vCPU while converging, ${r.control_plane.cpu_seconds_per_change} CPU-s per change, RSS max ${r.control_plane.rss_mb_max} MB (${r.control_plane_rss_mb_after_sync} MB after sync)`);
  lines.push(`  load generator CPU: ${r.load_generator.cpu_seconds} s; NACKs ${r.nacks}; stream errors ${r.stream_errors}`);
  const t = r.target.p99_under_1s;
  lines.push(`  target p99 < 1 s: ${t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met'}${t.reason ? ` (${t.reason})` : ''}`);
  return `${lines.join('\n')}\n`;
}

export async function runAdsLoadCli(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      clients: { type: 'string', default: '1000' },
      services: { type: 'string', default: '100' },
      endpoints: { type: 'string', default: '500' },
      rounds: { type: 'string', default: '4' },
    },
  });
  const int = (flag) => {
    const n = Number(values[flag]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer, got "${values[flag]}"`);
    return n;
  };
  const report = await runAdsLoad({ clients: int('clients'), services: int('services'), endpoints: int('endpoints'), rounds: int('rounds') });
  if (interrupted()) return;
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatText(report));
  if (report.error) process.exitCode = 1;
}
