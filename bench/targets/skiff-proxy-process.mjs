#!/usr/bin/env node
// Runs the compiled Skiff proxy in this process on a static Envoy bootstrap file:
// `node skiff-proxy-process.mjs BOOTSTRAP.json`. It reads node identity, the admin address and
// static_resources (listeners, clusters) as Envoy would, and starts the proxy through its public
// entry point, startProxy() in dist/src/proxy/main.js, with a StaticConfigSource (the proxy's own
// source for config given directly). Prints "ready" once listeners are applied; SIGTERM drains.
// V8 heap flags cannot be set from inside: skiff.mjs starts this script with the flags the runtime
// gives `skiff proxy` (PROXY_NODE_FLAGS in dist/src/proxy/node-flags.js).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const file = process.argv[2];
const dist = (p) => fileURLToPath(new URL(`../../dist/src/proxy/${p}`, import.meta.url));

function fail(message) {
  process.stderr.write(`skiff-proxy-process: ${message}\n`);
  process.exit(3);
}

if (!file) fail('usage: skiff-proxy-process.mjs BOOTSTRAP.json');
for (const p of ['main.js', 'config-source.js']) {
  if (!existsSync(dist(p))) fail(`dist/src/proxy/${p} is missing: build the project first (\`npm install\` builds it, or \`npm run build\`)`);
}
const main = await import(pathToFileURL(dist('main.js')).href);
const sources = await import(pathToFileURL(dist('config-source.js')).href);
if (typeof main.startProxy !== 'function') fail('dist/src/proxy/main.js does not export startProxy()');
if (typeof sources.StaticConfigSource !== 'function') fail('dist/src/proxy/config-source.js does not export StaticConfigSource');

let bootstrap;
try {
  bootstrap = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  fail(`cannot read bootstrap ${file}: ${e.message}`);
}
const node = bootstrap.node ?? {};
if (typeof node.id !== 'string') fail(`${file}: node.id is required`);
const admin = bootstrap.admin?.address?.socket_address;
const resources = bootstrap.static_resources ?? {};

let configSource;
try {
  configSource = new sources.StaticConfigSource({ listeners: resources.listeners ?? [], clusters: resources.clusters ?? [] });
} catch (e) {
  fail(`${file}: ${e.message}`);
}
try {
  const proxy = await main.startProxy({
    role: node.id.startsWith('router~') ? 'router' : 'sidecar',
    nodeId: node.id,
    nodeCluster: node.cluster,
    nodeMetadata: node.metadata,
    configSource,
    adminPort: admin?.port_value,
    adminAddress: admin?.address,
    handleSignals: true,
  });
  await proxy.ready();
  process.stdout.write('ready\n');
} catch (e) {
  fail(e?.stack ?? String(e));
}
