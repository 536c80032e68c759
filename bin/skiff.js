#!/usr/bin/env node
// The `skiff` command: runs the compiled CLI (npm install builds it through `prepare`).
// `skiff proxy --flag value …`, the command of every sidecar and gateway process, goes to the
// proxy's lean entry instead, so those processes load the proxy and not the whole CLI; it hands
// back (undefined) whatever it does not parse itself (--help, errors), and the CLI takes it.
// No top-level await: a proxy that stops when its last handle closes must exit 0, not 13.
const argv = process.argv;
const lean = argv[2] === 'proxy'
  ? import('../dist/src/proxy/cli-entry.js').then((m) => m.proxyMain(argv.slice(3)))
  : Promise.resolve(undefined);
lean
  .then((code) => code ?? import('../dist/src/cli/main.js').then((m) => m.main(argv)))
  .then((code) => { process.exitCode = code; });
