// The peers and load tools come from Debian's packages. Missing ones are installed with apt-get
// (as root), saying what is run; a tool that still cannot be had skips only what needs it.
import { accessSync, constants, existsSync, writeFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { log, runToEnd } from './processes.mjs';

/** Binary → Debian package. `hey` is optional: the constant-rate phase uses our own generator. */
export const TOOLS = { wrk: 'wrk', nginx: 'nginx', haproxy: 'haproxy', hey: 'hey' };

const EXTRA_PATH = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** The absolute path of a binary on PATH (plus the sbin dirs, where nginx and haproxy live), or undefined. */
export function which(binary) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_PATH].filter(Boolean);
  for (const dir of dirs) {
    const p = join(dir, binary);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch { /* keep looking */ }
  }
  return undefined;
}

// Debian's postinst would start nginx and haproxy as system services listening on port 80 and
// outside loopback. policy-rc.d answering 101 ("action forbidden") keeps them stopped, as Debian's
// container images already do; a file we create for the install is removed right after.
const POLICY_RC = '/usr/sbin/policy-rc.d';

async function aptInstall(packages) {
  const createdPolicy = !existsSync(POLICY_RC);
  if (createdPolicy) {
    log(`writing ${POLICY_RC} (exit 101) for the install so Debian does not start nginx/haproxy as services`);
    writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  }
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    log('running: apt-get update');
    const update = await runToEnd('apt-get', ['update'], { env });
    if (update.code !== 0) return `apt-get update failed (${update.code ?? update.signal}): ${update.stderr.trim().split('\n').slice(-3).join(' | ')}`;
    log(`running: apt-get install -y --no-install-recommends ${packages.join(' ')}`);
    const install = await runToEnd('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env });
    if (install.code !== 0) return `apt-get install failed (${install.code ?? install.signal}): ${install.stderr.trim().split('\n').slice(-3).join(' | ')}`;
    return undefined;
  } finally {
    if (createdPolicy) rmSync(POLICY_RC, { force: true });
  }
}

/**
 * Resolves each wanted binary to a path, installing what is missing when possible.
 * Returns { paths: {binary: path}, missing: {binary: reason} }.
 */
export async function ensureTools(wanted) {
  const paths = {};
  const missing = {};
  const absent = wanted.filter((b) => !which(b));
  let installError;
  if (absent.length > 0) {
    const packages = absent.map((b) => TOOLS[b] ?? b);
    if (typeof process.getuid === 'function' && process.getuid() !== 0) {
      installError = `not root, so cannot apt-get install ${packages.join(' ')} (run as root, or install them yourself)`;
    } else if (!which('apt-get')) {
      installError = `apt-get is not available to install ${packages.join(' ')}`;
    } else {
      log(`missing ${absent.join(', ')}: installing Debian packages ${packages.join(', ')}`);
      installError = await aptInstall(packages);
      // One package that does not exist must not cost the others: retry them one by one.
      if (installError && packages.length > 1) {
        log(`${installError}; retrying package by package`);
        for (const p of packages) await aptInstall([p]);
      }
    }
  }
  for (const b of wanted) {
    const p = which(b);
    if (p) paths[b] = p;
    else missing[b] = installError ?? `${b} is not installed and apt-get did not provide it`;
  }
  return { paths, missing };
}
