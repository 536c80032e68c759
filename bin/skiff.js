#!/usr/bin/env node
// The `skiff` command: runs the compiled CLI (npm install builds it through `prepare`).
import { main } from '../dist/src/cli/main.js';
main(process.argv).then((code) => { process.exitCode = code; });
