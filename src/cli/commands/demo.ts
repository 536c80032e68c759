// `skiff demo`: the mesh with the demo profile and Bookinfo behind the ingress gateway, ready to
// browse, in one command. It waits for every pod and every proxy, prints what to open and what to
// try, and stops everything on Ctrl-C.
import type { Command } from 'commander';
import { action, type CommandDeps } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { colorsFor } from '../colors.js';
import { parsePort, startMeshFor } from './up.js';

interface DemoFlags {
  apiPort: number;
  xdsPort: number;
  ingressPort?: number;
  host: string;
  timeout: string;
}

export function registerDemo(program: Command, deps: CommandDeps): void {
  program.command('demo')
    .description('Run the mesh with Bookinfo behind the ingress gateway (Ctrl-C stops it)')
    .option('--api-port <port>', 'control plane HTTP API port (0 picks a free one)', parsePort, 15014)
    .option('--xds-port <port>', 'xDS (ADS gRPC) port (0 picks a free one)', parsePort, 15010)
    .option('--ingress-port <port>', 'where the ingress gateway serves Bookinfo (default 8080)', parsePort)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--timeout <seconds>', 'how long to wait for Bookinfo to be ready', '120')
    .action(action(deps, async (ctx, cmd) => runDemo(ctx, cmd.opts<DemoFlags>())));
}

async function runDemo(ctx: CommandContext, flags: DemoFlags): Promise<number> {
  const started = Date.now();
  const c = colorsFor(ctx.io.stdout, ctx.io.env);
  const out = (s: string) => ctx.io.stdout.write(`${s}\n`);
  const shutdown = ctx.io.waitForShutdown();
  const mesh = await startMeshFor(ctx, { ...flags, profile: 'demo' });
  const { applyFiles, enableInjection, waitReady, BOOKINFO_MANIFESTS } = await import('../../runtime/bookinfo-install.js');
  const port = flags.ingressPort ?? 8080;
  try {
    out(`${c.bold('Skiff demo')}: the mesh (demo profile) and Bookinfo`);
    out(`  control plane API  ${mesh.controlPlane.apiUrl}`);
    await enableInjection(mesh.controlPlane.store, 'default');
    out('  namespace/default labeled istio-injection=enabled');
    await applyFiles(mesh.controlPlane.store, BOOKINFO_MANIFESTS);
    out('  applied samples/bookinfo/platform/kube/bookinfo.yaml and samples/bookinfo/networking/bookinfo-gateway.yaml');
    out('  waiting for pods and proxies…');
    const ready = waitReady(mesh, ['default', 'istio-system'], 8, Number(flags.timeout) * 1000);
    const interrupted = await Promise.race([ready.then(() => undefined), shutdown]);
    if (interrupted) {
      out(`${interrupted}: stopping`);
      await mesh.stop();
      return 0;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    out('');
    out(`${c.green('✔')} Bookinfo is ready (${seconds} s): open ${c.bold(`http://127.0.0.1:${port}/productpage`)}`);
    out('');
    out('Try next (in another terminal):');
    out(`  curl -s http://127.0.0.1:${port}/productpage | grep -o "reviews-v[0-9]"   # v1, v2, v3 take turns`);
    out('  npx skiff apply -f samples/bookinfo/networking/destination-rule-all.yaml');
    out('  npx skiff apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml          # request routing');
    out('  npx skiff apply -f samples/bookinfo/networking/virtual-service-reviews-test-v2.yaml # sign in as jason');
    out('  npx skiff apply -f samples/bookinfo/networking/virtual-service-reviews-50-v3.yaml   # traffic shifting');
    out('  npx skiff apply -f samples/bookinfo/networking/virtual-service-ratings-test-delay.yaml # fault injection');
    out('  npx skiff get pods        npx skiff get vs        npx skiff analyze');
    out('Press Ctrl-C to stop.');
  } catch (e) {
    ctx.io.stderr.write(`error: ${(e as Error).message}\n`);
    await mesh.stop();
    return 1;
  }
  const signal = await shutdown;
  out(`${signal}: stopping`);
  await mesh.stop();
  out('Skiff stopped.');
  return 0;
}
