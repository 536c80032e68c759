#!/usr/bin/env node
// The real control plane in its own process, so its CPU and RSS are its own:
// `node control-plane-child.mjs HOME`. Calls startControlPlane from the compiled dist/ with the
// API and the xDS server on free loopback ports, prints one JSON line
// {"api": "http://127.0.0.1:PORT", "xdsPort": N} once both serve (or {"error": "…"} and exits 3),
// and closes cleanly on SIGTERM or SIGINT.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const home = process.argv[2];
const entry = fileURLToPath(new URL('../../dist/src/control-plane/control-plane.js', import.meta.url));
const say = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

if (!home) {
  process.stderr.write('usage: control-plane-child.mjs HOME\n');
  process.exit(2);
}
if (!existsSync(entry)) {
  say({ error: 'dist/src/control-plane/control-plane.js is missing: build the project first (`npm install` builds it, or `npm run build`)' });
  process.exit(3);
}
const { startControlPlane } = await import(pathToFileURL(entry).href);
const started = startControlPlane({ home, apiPort: 0, xdsPort: 0, log: (m) => process.stderr.write(`${m}\n`) });
const stop = () => {
  started.then((cp) => cp.close()).then(() => process.exit(0), (e) => {
    process.stderr.write(`control plane shutdown failed: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
let controlPlane;
try {
  controlPlane = await started;
} catch (e) {
  say({ error: `startControlPlane failed: ${e?.message ?? e}` });
  process.exit(3);
}
if (typeof controlPlane.xdsPort !== 'number') {
  say({ error: 'startControlPlane (src/control-plane/control-plane.ts) does not serve xDS yet: it took { xdsPort: 0 } but returned no numeric `xdsPort` for its ADS server' });
  await controlPlane.close();
  process.exit(3);
}
say({ api: controlPlane.apiUrl, xdsPort: controlPlane.xdsPort });
