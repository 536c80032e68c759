// A control plane in its own process, for tests that kill it: `node control-plane-process.js HOME`.
// Prints one JSON line `{"api":"http://127.0.0.1:PORT","pid":N}` once it serves, and shuts down
// cleanly on SIGTERM or SIGINT, as `skiff up` does.
import { startControlPlane } from '../../src/control-plane/control-plane.js';

const home = process.argv[2];
if (!home) {
  process.stderr.write('usage: control-plane-process HOME\n');
  process.exit(2);
}
const controlPlane = await startControlPlane({ home, apiPort: 0 });
process.stdout.write(`${JSON.stringify({ api: controlPlane.apiUrl, pid: process.pid })}\n`);
const stop = () => {
  controlPlane.close().then(() => process.exit(0), (e: unknown) => {
    process.stderr.write(`shutdown failed: ${String(e)}\n`);
    process.exit(1);
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
