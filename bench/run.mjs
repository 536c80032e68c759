#!/usr/bin/env node
// `npm run bench [-- FLAGS]`: the data-plane benchmark (direct, skiff, skiff2, nginx, haproxy).
// `npm run bench -- ads [FLAGS]`: the control-plane ADS load benchmark (bench/ads-load.mjs).
// Plain ESM JavaScript, so it runs without a build; the Skiff parts load the compiled dist/.
// Logs go to stderr; with --json, stdout carries exactly one JSON object.
import { parseArgs } from 'node:util';
import { cleanup, interrupted, log } from './lib/processes.mjs';
import { formatText } from './lib/report.mjs';
import { runDataPlane, TARGET_NAMES } from './data-plane.mjs';

const USAGE = `usage: npm run bench -- [--json] [--duration SECONDS] [--only ${TARGET_NAMES.join(',')}] [--rate RPS] [--slices N]
       npm run bench -- ads [--json] [--clients N] [--services N] [--endpoints N] [--rounds N]

  --duration  seconds of each measured phase (saturation, fixed rate); default 10
  --only      a comma-separated subset of targets; default all
  --rate      the fixed request rate of the latency and CPU phase; default 1000
  --slices    each phase runs in N slices interleaved across targets; default 5
  --json      print one JSON object on stdout instead of the table
`;

function fail(message) {
  process.stderr.write(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function positiveNumber(value, flag) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`${flag} must be a positive number, got "${value}"`);
  return n;
}

async function dataPlane(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        duration: { type: 'string', default: '10' },
        only: { type: 'string' },
        rate: { type: 'string', default: '1000' },
        slices: { type: 'string', default: '5' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    fail(e.message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const seconds = positiveNumber(values.duration, '--duration');
  const rate = positiveNumber(values.rate, '--rate');
  const slices = positiveNumber(values.slices, '--slices');
  if (!Number.isInteger(slices)) fail(`--slices must be a whole number, got "${values.slices}"`);
  let only;
  if (values.only !== undefined) {
    only = values.only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = only.filter((n) => !TARGET_NAMES.includes(n));
    if (unknown.length > 0 || only.length === 0) fail(`--only: unknown target(s) ${unknown.join(', ') || '(none given)'}; choose from ${TARGET_NAMES.join(', ')}`);
  }
  const report = await runDataPlane({ seconds, only, rate, slices });
  if (interrupted()) return;
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatText(report));
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === 'ads') {
    const { runAdsLoadCli } = await import('./ads-load.mjs');
    await runAdsLoadCli(argv.slice(1));
  } else {
    await dataPlane(argv);
  }
}

try {
  await main();
} catch (e) {
  log(`failed: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
