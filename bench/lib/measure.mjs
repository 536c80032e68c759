// The measurement every target gets, with the same tools: a short wrk warm-up, saturation with wrk
// (rps_max), then latency at a fixed rate with the open-loop generator while the target's CPU time
// is read from /proc (cpu_vcpu_per_1000rps); RSS is sampled throughout (rss_mb is the maximum).
// Each phase is run in slices that the caller interleaves across targets, so a burst of load from
// elsewhere on a shared machine lands on every target rather than on whichever ran at that moment.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import hdr from 'hdr-histogram-js';
import { runToEnd } from './processes.mjs';
import { cpuSeconds, processTree, RssSampler } from './proc-stats.mjs';
import { runWrk } from './wrk.mjs';

const GENERATOR = fileURLToPath(new URL('./constant-rate.mjs', import.meta.url));

const round = (n, digits) => (n === null || n === undefined ? null : Number(n.toFixed(digits)));

export function newHistogram() {
  // Microseconds, 3 significant digits, up to 2 minutes: the generator's own settings.
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
}

/**
 * Runs the open-loop generator in its own process. `pids` (may be empty) are the processes whose
 * CPU time is read when the generator starts and stops recording. Returns its figures, the
 * histogram (µs) and the CPU seconds those processes used meanwhile.
 */
export async function runConstantRate(url, { rate, seconds, connections, expectBytes, pids = [] }) {
  let cpuStart;
  let cpuEnd;
  let result;
  const args = [GENERATOR, '--url', url, '--rate', String(rate), '--duration', String(seconds), '--connections', String(connections), '--expect-bytes', String(expectBytes)];
  const res = await runToEnd(process.execPath, args, {
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
  const { event, histogram, histogram_from_intended: fromIntended, ...figures } = result;
  const cpu = pids.length > 0 && cpuStart !== undefined && cpuEnd !== undefined ? cpuEnd - cpuStart : undefined;
  return { figures, histogram: hdr.decodeFromCompressedBase64(histogram), fromIntended: hdr.decodeFromCompressedBase64(fromIntended), cpuSeconds: cpu };
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
 * The measurements of one started target, accumulated slice by slice. `target`: { url, roots:
 * ChildProcess[] (empty for direct), description, scrapeMetrics?: () => Promise<object> }.
 */
export class TargetRun {
  constructor(name, target, { rate, connections, bodyBytes }) {
    this.name = name;
    this.target = target;
    this.rate = rate;
    this.connections = connections;
    this.bodyBytes = bodyBytes;
    this.pids = target.roots.flatMap((c) => processTree(c.pid));
    this.rss = this.pids.length > 0 ? new RssSampler(this.pids) : undefined;
    this.wrk = [];
    this.latency = newHistogram();
    this.latencyFromIntended = newHistogram();
    this.slices = [];
    this.cpuSeconds = 0;
    this.served = 0;
    this.error = undefined;
  }

  async warmUp(wrkPath) {
    await runWrk(wrkPath, this.target.url, { threads: 2, connections: this.connections, seconds: 2 });
  }

  async saturate(wrkPath, seconds) {
    this.wrk.push(await runWrk(wrkPath, this.target.url, { threads: 2, connections: this.connections, seconds }));
  }

  async fixedRate(seconds) {
    const run = await runConstantRate(this.target.url, { rate: this.rate, seconds, connections: this.connections, expectBytes: this.bodyBytes, pids: this.pids });
    this.latency.add(run.histogram);
    this.latencyFromIntended.add(run.fromIntended);
    const served = run.figures.ok + run.figures.non2xx + run.figures.wrong_size;
    this.served += served;
    if (run.cpuSeconds !== undefined) this.cpuSeconds += run.cpuSeconds;
    this.slices.push(run.figures);
  }

  /** The figures the issue asks for, plus the detail behind them. */
  async result({ wrkMissing } = {}) {
    const ms = (p, h = this.latency) => (h.totalCount > 0 ? Math.round(h.getValueAtPercentile(p)) / 1000 : null);
    const sum = (key) => this.slices.reduce((a, s) => a + s[key], 0);
    const errors = {};
    for (const s of this.slices) for (const [k, n] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + n;
    const achieved = this.slices.map((s) => s.achieved_rps);
    // Noise from elsewhere only ever lowers a saturation run, so the best slice is the estimate.
    const best = this.wrk.reduce((a, w) => (w.rps > (a?.rps ?? -1) ? w : a), undefined);
    const detail = {
      description: this.target.description,
      processes: this.pids.length,
      wrk: this.wrk.length > 0 ? { slices_rps: this.wrk.map((w) => Math.round(w.rps)), socket_errors: this.wrk.reduce((a, w) => a + w.socketErrors, 0), non2xx: this.wrk.reduce((a, w) => a + w.non2xx, 0) } : { error: wrkMissing },
      latency: {
        slices: this.slices.length,
        requests: sum('requests'),
        ok: sum('ok'),
        non2xx: sum('non2xx'),
        wrong_size: sum('wrong_size'),
        unfinished: sum('unfinished'),
        errors,
        failed: sum('non2xx') + sum('wrong_size') + sum('unfinished') + Object.values(errors).reduce((a, n) => a + n, 0),
        achieved_rps_per_slice: achieved,
        // An open-loop run that fell behind measured a queue, not the target's latency at this rate.
        sustained: achieved.every((a) => a >= this.rate * 0.97),
        p999_ms: ms(99.9),
        max_ms: this.latency.totalCount > 0 ? Math.round(this.latency.maxValue) / 1000 : null,
        // From each request's ideal send time (wrk2's measure): adds the generator's timer lag.
        from_intended: { p50_ms: ms(50, this.latencyFromIntended), p90_ms: ms(90, this.latencyFromIntended), p99_ms: ms(99, this.latencyFromIntended) },
        cpu_seconds: this.pids.length > 0 ? round(this.cpuSeconds, 2) : null,
      },
    };
    if (this.target.scrapeMetrics) detail.metrics = await this.target.scrapeMetrics();
    return {
      rps_max: best ? Math.round(best.rps) : null,
      p50_ms: ms(50),
      p90_ms: ms(90),
      p99_ms: ms(99),
      // CPU-seconds per 1,000 requests served equals vCPUs used per 1,000 requests per second.
      cpu_vcpu_per_1000rps: this.pids.length > 0 && this.served > 0 ? round((this.cpuSeconds / this.served) * 1000, 4) : null,
      rss_mb: this.rss ? round(this.rss.stop(), 1) : null,
      detail,
    };
  }

  stopSampling() {
    this.rss?.stop();
  }
}
