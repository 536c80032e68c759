// Ratios against the peers measured in the same run, the data-plane targets (met or not), and the
// human-readable table. A figure that could not be measured is null with a reason, never a guess.

const TARGETS = {
  addedLatencyVsNginx: 1.5,
  cpuPer1000Rps: 0.15,
  rpsVsNginx: 0.6,
  rss1000ServicesMb: 60,
};

const round = (n, d = 3) => (n === null || n === undefined || !Number.isFinite(n) ? null : Number(n.toFixed(d)));
const ok = (r) => r && !r.error;

/** Latency a target adds over `direct` at each percentile (ms). */
function addedLatency(target, direct) {
  if (!ok(target) || !ok(direct)) return null;
  const out = {};
  for (const p of ['p50_ms', 'p90_ms', 'p99_ms']) {
    out[p] = target[p] === null || direct[p] === null ? null : round(target[p] - direct[p]);
  }
  return out;
}

function verdict(value, limit, cmp, reason) {
  if (value === null || value === undefined) return { value: null, limit, met: null, reason };
  return { value, limit, met: cmp === '<=' ? value <= limit : value >= limit };
}

/** The comparisons and targets for a finished run. */
export function evaluate(results, rss1000) {
  const { direct, nginx, skiff, skiff2 } = results;
  const added = {};
  for (const [name, r] of Object.entries(results)) if (name !== 'direct') added[name] = addedLatency(r, direct);
  if (added.skiff2) added.skiff2_per_hop = Object.fromEntries(Object.entries(added.skiff2).map(([k, v]) => [k, v === null ? null : round(v / 2)]));

  const skiffMissing = ok(skiff) ? undefined : `skiff was not measured: ${skiff?.error ?? 'not selected (--only)'}`;
  const nginxMissing = ok(nginx) ? undefined : `nginx was not measured: ${nginx?.error ?? 'not selected (--only)'}`;
  const directMissing = ok(direct) ? undefined : `direct was not measured: ${direct?.error ?? 'not selected (--only)'}`;

  const latencyRatio = (p) => {
    const why = skiffMissing ?? nginxMissing ?? directMissing;
    if (why) return { value: null, why };
    const s = added.skiff[p];
    const n = added.nginx[p];
    // nginx adding nothing measurable (noise can even make it negative) leaves no ratio to take.
    if (n === null || s === null || n <= 0) return { value: null, why: `nginx added ${n} ms at ${p}: no positive baseline to compare with` };
    return { value: round(s / n, 2) };
  };
  const p50 = latencyRatio('p50_ms');
  const p99 = latencyRatio('p99_ms');
  const rpsRatio = ok(skiff) && ok(nginx) && skiff.rps_max && nginx.rps_max ? round(skiff.rps_max / nginx.rps_max, 2) : null;
  const rssValue = typeof rss1000 === 'number' ? rss1000 : null;

  const comparisons = {
    added_latency_ms: added,
    skiff_added_latency_vs_nginx: { p50: p50.value, p99: p99.value },
    rps_max_vs_nginx: Object.fromEntries(Object.entries(results).filter(([n]) => n !== 'nginx').map(([n, r]) => [n, ok(r) && ok(nginx) && r.rps_max && nginx.rps_max ? round(r.rps_max / nginx.rps_max, 2) : null])),
  };
  const targets = {
    added_latency_p50_vs_nginx: verdict(p50.value, TARGETS.addedLatencyVsNginx, '<=', p50.why),
    added_latency_p99_vs_nginx: verdict(p99.value, TARGETS.addedLatencyVsNginx, '<=', p99.why),
    cpu_vcpu_per_1000rps: verdict(ok(skiff) ? skiff.cpu_vcpu_per_1000rps : null, TARGETS.cpuPer1000Rps, '<=', skiffMissing),
    rps_max_vs_nginx: verdict(rpsRatio, TARGETS.rpsVsNginx, '>=', skiffMissing ?? nginxMissing ?? (rpsRatio === null ? 'rps_max was not measured (wrk missing?)' : undefined)),
    rss_mb_1000_services: verdict(rssValue, TARGETS.rss1000ServicesMb, '<=', rss1000?.error ?? 'skiff not selected (--only)'),
  };
  return { comparisons, targets };
}

// ------------------------------------------------------------------------------------ table

const cell = (v, digits = 2) => (v === null || v === undefined ? '-' : typeof v === 'number' ? v.toFixed(digits) : String(v));

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

/** The default, human-readable output. */
export function formatText(report) {
  const lines = [];
  lines.push(`Data plane, ${report.config.body_bytes}-byte response over HTTP/1.1 keep-alive, upstream: ${report.config.upstream}`);
  lines.push(`rps_max: ${report.config.rps_max_tool ?? 'not measured (wrk missing)'}`);
  lines.push(`latency/CPU: ${report.config.rate} rps on ${report.config.connections} connections, ${report.config.latency_tool}`);
  lines.push(`machine: ${report.machine.cpus} CPUs, load average at start ${report.machine.load_average_at_start.join(' ')} (a busy machine makes every figure noisier)`);
  lines.push('');
  const rows = [['target', 'rps_max', 'p50 ms', 'p90 ms', 'p99 ms', '+p50 ms', '+p99 ms', 'vCPU/1000rps', 'RSS MB', 'rps vs nginx']];
  const added = report.comparisons.added_latency_ms;
  for (const [name, r] of Object.entries(report.results)) {
    if (r.error) {
      rows.push([name, 'error', '', '', '', '', '', '', '', '']);
      continue;
    }
    const behind = r.detail?.latency?.sustained === false ? '*' : '';
    rows.push([
      name, cell(r.rps_max, 0), cell(r.p50_ms, 3) + behind, cell(r.p90_ms, 3) + behind, cell(r.p99_ms, 3) + behind,
      cell(added[name]?.p50_ms, 3), cell(added[name]?.p99_ms, 3), cell(r.cpu_vcpu_per_1000rps, 3), cell(r.rss_mb, 1),
      cell(report.comparisons.rps_max_vs_nginx[name]),
    ]);
  }
  lines.push(table(rows));
  for (const [name, r] of Object.entries(report.results)) {
    if (r.error) lines.push(`  ${name}: ${r.error}`);
    else if (r.detail?.latency?.failed > 0) lines.push(`  ! ${name}: ${r.detail.latency.failed} of ${r.detail.latency.requests} requests at ${report.config.rate} rps failed (${JSON.stringify(r.detail.latency.errors)}); percentiles are of the rest`);
    else if (r.detail?.latency?.sustained === false) lines.push(`  * ${name} could not sustain ${report.config.rate} rps (${r.detail.latency.achieved_rps_per_slice.join(', ')} achieved): its latencies include queueing`);
  }
  const rss = report.skiff_rss_mb_1000_services;
  lines.push('');
  lines.push(`skiff RSS with 1,000 services loaded: ${typeof rss === 'number' ? `${rss} MB` : `- (${rss?.error ?? 'not measured: skiff not selected'})`}`);
  const ratio = report.comparisons.skiff_added_latency_vs_nginx;
  lines.push(`skiff added latency / nginx added latency: p50 ${cell(ratio.p50)}  p99 ${cell(ratio.p99)}`);
  lines.push('');
  lines.push('Targets');
  const names = {
    added_latency_p50_vs_nginx: 'added latency p50 ≤ 1.5× nginx',
    added_latency_p99_vs_nginx: 'added latency p99 ≤ 1.5× nginx',
    cpu_vcpu_per_1000rps: 'vCPU per 1000 rps ≤ 0.15',
    rps_max_vs_nginx: 'rps_max ≥ 0.6× nginx',
    rss_mb_1000_services: 'RSS with 1,000 services ≤ 60 MB',
  };
  for (const [key, t] of Object.entries(report.targets)) {
    const mark = t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met';
    lines.push(`  ${names[key].padEnd(34)} ${cell(t.value).padStart(8)}  ${mark}${t.met === null && t.reason ? ` (${t.reason})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
