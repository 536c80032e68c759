// fortio's `load` flags as Istio's tutorials use them (`-c 2 -qps 0 -n 20 -loglevel Warning URL`),
// parsed by hand because fortio's single-dash long flags are not commander's style.

export interface LoadOptions {
  url: string;
  connections: number;
  /** Target queries per second over all connections; 0 means as fast as possible. */
  qps: number;
  /** Exact number of calls; when unset, run for `durationMs`. */
  calls?: number;
  durationMs: number;
  headers: Record<string, string>;
  method: string;
  logLevel: 'Debug' | 'Verbose' | 'Info' | 'Warning' | 'Error' | 'Critical' | 'Fatal';
  /** `-curl`: one request, print headers and body. */
  curl: boolean;
  timeoutMs: number;
}

const LOG_LEVELS = ['Debug', 'Verbose', 'Info', 'Warning', 'Error', 'Critical', 'Fatal'] as const;

export function parseDurationFlag(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!m) throw new Error(`invalid value "${text}" for flag ${flag}: expected a duration such as 30s, 500ms or 1m`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[unit]!;
}

function intFlag(text: string | undefined, flag: string, min: number): number {
  if (text === undefined) throw new Error(`flag needs an argument: ${flag}`);
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`invalid value "${text}" for flag ${flag}: expected an integer >= ${min}`);
  return n;
}

/** Parses the arguments after `load`. Errors name the flag, as fortio's do. */
export function parseLoadArgs(argv: readonly string[]): LoadOptions {
  const opts: LoadOptions = { url: '', connections: 4, qps: 8, durationMs: 5000, headers: {}, method: 'GET', logLevel: 'Info', curl: false, timeoutMs: 3000 };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    if (!raw.startsWith('-') || raw === '-') {
      rest.push(raw);
      continue;
    }
    const eq = raw.indexOf('=');
    const flag = (eq >= 0 ? raw.slice(0, eq) : raw).replace(/^--?/, '');
    const value = () => (eq >= 0 ? raw.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case 'c': opts.connections = intFlag(value(), '-c', 1); break;
      case 'qps': {
        const v = value();
        const n = Number(v);
        if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`invalid value "${v}" for flag -qps: expected a number >= 0 (0 = max)`);
        opts.qps = n;
        break;
      }
      case 'n': opts.calls = intFlag(value(), '-n', 1); break;
      case 't': {
        const v = value();
        if (v === undefined) throw new Error('flag needs an argument: -t');
        opts.durationMs = parseDurationFlag(v, '-t');
        break;
      }
      case 'timeout': {
        const v = value();
        if (v === undefined) throw new Error('flag needs an argument: -timeout');
        opts.timeoutMs = parseDurationFlag(v, '-timeout');
        break;
      }
      case 'H': {
        const v = value();
        const colon = v?.indexOf(':') ?? -1;
        if (!v || colon <= 0) throw new Error(`invalid value "${v ?? ''}" for flag -H: expected "Name: value"`);
        opts.headers[v.slice(0, colon).trim().toLowerCase()] = v.slice(colon + 1).trim();
        break;
      }
      case 'X': {
        const v = value();
        if (!v || !/^[A-Z]+$/.test(v)) throw new Error(`invalid value "${v ?? ''}" for flag -X: expected an HTTP method`);
        opts.method = v;
        break;
      }
      case 'loglevel': {
        const v = value();
        const level = LOG_LEVELS.find((l) => l.toLowerCase() === v?.toLowerCase());
        if (!level) throw new Error(`invalid value "${v ?? ''}" for flag -loglevel: expected one of ${LOG_LEVELS.join(', ')}`);
        opts.logLevel = level;
        break;
      }
      case 'curl': opts.curl = true; break;
      default: throw new Error(`flag provided but not defined: -${flag}`);
    }
  }
  if (rest.length !== 1) throw new Error(rest.length === 0 ? 'missing URL: skiff load [flags] URL' : `expected one URL, got ${rest.length}: ${rest.join(' ')}`);
  let url: URL;
  try {
    url = new URL(rest[0]!);
  } catch {
    throw new Error(`invalid URL "${rest[0]}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported URL scheme "${url.protocol}" in ${rest[0]}: expected http or https`);
  opts.url = url.href;
  return opts;
}
