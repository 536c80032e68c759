// One container of a pod as a local process: started with its command, args and env, its output
// appended to a log file, restarted with back-off when it exits (restartPolicy Always), counted in
// RESTARTS as kubelet does.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { EventEmitter } from 'node:events';

export interface ContainerSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  logFile: string;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
}

export type ContainerState = 'Waiting' | 'Running' | 'Terminated' | 'CrashLoopBackOff';

// kubelet's back-off starts at 10 s; on one machine a crashing sample should come back sooner,
// so Skiff starts at 1 s and doubles to a 30 s cap, resetting after 60 s of running.
const BACKOFF_START_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
const BACKOFF_RESET_AFTER_MS = 60_000;

export class ContainerProcess extends EventEmitter {
  restarts = 0;
  state: ContainerState = 'Waiting';
  lastExit?: { code: number | null; signal: string | null; at: Date };
  private child?: ChildProcess;
  private log?: WriteStream;
  private backoffMs = BACKOFF_START_MS;
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(readonly spec: ContainerSpec) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopping = false;
    if (!this.log) {
      mkdirSync(dirname(this.spec.logFile), { recursive: true });
      this.log = createWriteStream(this.spec.logFile, { flags: 'a' });
    }
    const child = spawn(this.spec.command, this.spec.args, {
      env: this.spec.env,
      cwd: this.spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.startedAt = Date.now();
    this.state = 'Running';
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.on('error', (err) => {
      this.log?.write(`skiff: cannot start ${this.spec.command}: ${err.message}\n`);
    });
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    this.emit('started');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.lastExit = { code, signal, at: new Date() };
    this.state = 'Terminated';
    this.emit('exit', code, signal);
    if (this.stopping) return;
    const failed = code !== 0;
    const restart = this.spec.restartPolicy === 'Always' || (this.spec.restartPolicy === 'OnFailure' && failed);
    if (!restart) return;
    if (Date.now() - this.startedAt > BACKOFF_RESET_AFTER_MS) this.backoffMs = BACKOFF_START_MS;
    this.state = 'CrashLoopBackOff';
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.log?.write(`skiff: container ${this.spec.name} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms\n`);
    this.restartTimer = setTimeout(() => {
      this.restarts++;
      this.start();
      this.emit('restarted', this.restarts);
    }, delay);
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
  async stop(gracePeriodMs = 5000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), gracePeriodMs);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    this.state = 'Terminated';
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    this.log = undefined;
  }
}
