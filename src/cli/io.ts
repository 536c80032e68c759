// Where the CLI reads and writes. `main` takes these as a parameter so tests run commands in-process
// and read exactly what a user would see.

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Reads all of standard input (for `-f -`). */
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
  /** Resolves when the user asks a foreground command (`skiff up`) to stop; yields the signal name. */
  waitForShutdown(): Promise<string>;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    waitForShutdown() {
      return new Promise((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(signal);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    },
  };
}
