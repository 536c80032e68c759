// Golden files pin what Skiff generates for representative proxies: a Bookinfo sidecar with
// DestinationRules, header routing and fault injection, and an ingress gateway with HTTP and
// HTTPS servers. Every resource must also encode as its Envoy proto. Regenerate with
// REFRESH_GOLDEN=1 after an intended change, and review the diff.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeResource } from '../../src/xds/codec.js';
import { TYPE_URL } from '../../src/xds/type-urls.js';
import { generateProxyConfig, type ProxyConfig } from '../../src/control-plane/translate/simulate.js';
import type { Proxy } from '../../src/control-plane/model/proxy.js';
import { bookinfoPush, ingressGateway, sidecarOf } from '../simulation/fixtures.js';
import { DESTINATION_RULE_ALL, RATINGS_TEST_DELAY, REVIEWS_TEST_V2 } from '../simulation/bookinfo-networking.js';

const HTTPS_GATEWAY = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["bookinfo.example.com"]
    tls: {httpsRedirect: true}
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["bookinfo.example.com"]
    tls: {mode: SIMPLE, credentialName: bookinfo-credential}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ["bookinfo.example.com"]
  gateways: [bookinfo-gateway]
  http:
  - match:
    - uri: {exact: /productpage}
    - uri: {prefix: /static}
    route:
    - destination: {host: productpage, port: {number: 9080}}
`;

const REVIEWS_DR = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-policy}
spec:
  host: reviews
  trafficPolicy:
    connectionPool:
      http: {http1MaxPendingRequests: 10}
    outlierDetection: {consecutive5xxErrors: 3, interval: 10s, baseEjectionTime: 30s}
`;

// The tests also run compiled from dist/, where tsc copies no JSON: golden files are always
// read from (and written to) the source tree, found from the package root.
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the golden test');
    dir = parent;
  }
  return dir;
}

function goldenPath(name: string): string {
  return join(packageRoot(), 'test', 'golden', `${name}.golden.json`);
}

const TYPES: [keyof ProxyConfig, string][] = [
  ['clusters', TYPE_URL.CLUSTER], ['endpoints', TYPE_URL.CLUSTER_LOAD_ASSIGNMENT], ['listeners', TYPE_URL.LISTENER], ['routes', TYPE_URL.ROUTE_CONFIGURATION],
];

function checkGolden(name: string, proxy: Proxy, config: ProxyConfig): void {
  for (const [key, typeUrl] of TYPES) {
    for (const resource of config[key]) {
      const label = String(resource.name ?? resource.cluster_name);
      assert.doesNotThrow(() => encodeResource(typeUrl, resource), `${key} ${label} must encode as ${typeUrl}`);
    }
  }
  const actual = `${JSON.stringify({ node: proxy.id, ...config }, null, 2)}\n`;
  const path = goldenPath(name);
  if (process.env.REFRESH_GOLDEN === '1') {
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    assert.fail(`${path} is missing: run with REFRESH_GOLDEN=1 to create it`);
  }
  assert.deepEqual(JSON.parse(actual), JSON.parse(expected), `${name} differs from ${path}; run with REFRESH_GOLDEN=1 if the change is intended`);
}

describe('golden proxy config', () => {
  it('Bookinfo productpage sidecar', () => {
    const push = bookinfoPush([DESTINATION_RULE_ALL, REVIEWS_TEST_V2, RATINGS_TEST_DELAY, REVIEWS_DR].join('---'), { proxyHttpPort: 15080 });
    const proxy = sidecarOf(push, 'productpage');
    checkGolden('sidecar-productpage', proxy, generateProxyConfig(proxy, push));
  });
  it('ingress gateway with an HTTPS server and an httpsRedirect server', () => {
    const push = bookinfoPush(HTTPS_GATEWAY);
    const proxy = ingressGateway(push);
    checkGolden('ingress-gateway', proxy, generateProxyConfig(proxy, push));
  });
});
