// A control plane in its own process, for tests that kill it: `node control-plane-process.js HOME`.
// Prints one JSON line `{"api":"http://127.0.0.1:PORT","pid":N}` once it serves, and shuts down
// cleanly on SIGTERM or SIGINT, as `skiff up` does.
import { startControlPlane } from '../../src/control-plane/control-plane.js';

const home = process.argv[2];
if (!home) {
  process.stderr.write('usage: control-plane-process HOME\n');
  process.exit(2);
}
const started = startControlPlane({ home, apiPort: 0 });
// Handlers go in before the ready line: a test may signal the moment it reads it.
const stop = () => {
  started.then((cp) => cp.close()).then(() => process.exit(0), (e: unknown) => {
    process.stderr.write(`shutdown failed: ${String(e)}\n`);
    process.exit(1);
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
const controlPlane = await started;
process.stdout.write(`${JSON.stringify({ api: controlPlane.apiUrl, pid: process.pid })}\n`);
