// CPU and memory of a target's processes, read from /proc as `ps` and `top` do. CPU time is
// utime+stime in clock ticks (USER_HZ, 100 on Linux unless `getconf CLK_TCK` says otherwise);
// memory is VmRSS, summed over the process and its descendants (nginx's master and worker).
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clockTicks;
function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parens). */
function statFields(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** `pid` and every live descendant of it. */
export function processTree(pid) {
  const parentOf = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(name);
    if (f) parentOf.set(Number(name), Number(f[1]));
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/** CPU seconds (user + system) used so far by these processes. */
export function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    // After the name: state, ppid, pgrp, session, tty_nr, tpgid, flags, minflt, cminflt, majflt, cmajflt, utime, stime.
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / ticksPerSecond();
}

/** Resident set size in MB (VmRSS, summed). */
export function rssMb(pids) {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch { /* gone */ }
  }
  return kb / 1024;
}

/** Samples the summed RSS of `pids` every `intervalMs`, keeping the maximum. */
export class RssSampler {
  constructor(pids, intervalMs = 200) {
    this.pids = pids;
    this.maxMb = rssMb(pids);
    this.timer = setInterval(() => {
      this.maxMb = Math.max(this.maxMb, rssMb(this.pids));
    }, intervalMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    this.maxMb = Math.max(this.maxMb, rssMb(this.pids));
    return this.maxMb;
  }
}
