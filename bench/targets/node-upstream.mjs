#!/usr/bin/env node
// The fallback upstream when nginx cannot be installed: node:http answering every request with the
// same body file, keep-alive on. `node node-upstream.mjs PORT BODY_FILE`; prints "ready" once it listens.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const [portArg, bodyFile] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port <= 0 || !bodyFile) {
  process.stderr.write('usage: node-upstream.mjs PORT BODY_FILE\n');
  process.exit(2);
}
const body = readFileSync(bodyFile);
const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  res.end(body);
});
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
