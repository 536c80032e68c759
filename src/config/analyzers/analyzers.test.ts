// One fixture per message: each analyzer alone over Bookinfo plus a file with one kind of mistake,
// asserting every message it gives (code, resource, file:line, field path and Istio's text).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Analyzer } from './context.js';
import { conflictingGatewaysAnalyzer } from './conflicting-gateways.js';
import { conflictingMeshGatewayHostsAnalyzer } from './conflicting-mesh-gateway-hosts.js';
import { destinationRuleCaCertificatesAnalyzer } from './destination-rule-ca-certificates.js';
import { destinationRuleSubsetsAnalyzer } from './destination-rule-subsets.js';
import { runAnalyzers } from './index.js';
import { mtlsPolicyConflictAnalyzer } from './mtls-policy-conflict.js';
import { namespaceInjectionAnalyzer } from './namespace-injection.js';
import { notEnforcedAnalyzer } from './not-enforced.js';
import { schemaValidationAnalyzer } from './schema-validation.js';
import { servicePortNamesAnalyzer } from './service-port-names.js';
import { BOOKINFO, fixture } from './testdata/load.js';
import type { AnalysisMessage, AnalysisOptions } from './types.js';
import { virtualServiceDestinationsAnalyzer } from './virtual-service-destinations.js';
import { virtualServiceGatewaysAnalyzer } from './virtual-service-gateways.js';
import { virtualServiceSubsetsAnalyzer } from './virtual-service-subsets.js';

const WORKLOADS = ['bookinfo/bookinfo.yaml'];

/** The fields a case checks; a RegExp matches a text field. */
type Expect = { [K in keyof AnalysisMessage]?: AnalysisMessage[K] | RegExp };

interface Case {
  name: string;
  analyzer: Analyzer;
  files: string[];
  opts?: AnalysisOptions;
  expected: Expect[];
}

const cases: Case[] = [
  {
    name: 'IST0106 a field that fails validation, at its line',
    analyzer: schemaValidationAnalyzer,
    files: ['schema-error.yaml'],
    expected: [{
      code: 'IST0106', name: 'SchemaValidationError', level: 'Error', resource: 'VirtualService default/reviews', file: 'schema-error.yaml', line: 13,
      path: 'spec.http[0].route[0].weight',
      message: 'Schema validation error: spec.http[0].route[0].weight: expected a whole-number weight between 0 and 100',
    }],
  },
  {
    name: 'IST0101 a gateway that does not exist (short names resolve in the VirtualService namespace; mesh is implicit)',
    analyzer: virtualServiceGatewaysAnalyzer,
    files: [...BOOKINFO, 'gateway-not-found.yaml'],
    expected: [{
      code: 'IST0101', name: 'ReferencedResourceNotFound', level: 'Error', resource: 'VirtualService default/bookinfo-typo', file: 'gateway-not-found.yaml', line: 9,
      path: 'spec.gateways[0]', message: 'Referenced gateway not found: "bookinfo-gatewy"',
    }],
  },
  {
    name: 'IST0132 a VirtualService host its gateway does not serve',
    analyzer: virtualServiceGatewaysAnalyzer,
    files: [...BOOKINFO, 'gateway-hosts.yaml'],
    expected: [{
      code: 'IST0132', name: 'VirtualServiceHostNotFoundInGateway', level: 'Warning', resource: 'VirtualService default/shop', file: 'gateway-hosts.yaml', line: 24,
      message: 'one or more host [books.example.com] defined in VirtualService default/shop not found in Gateway default/shop-gateway.',
    }],
  },
  {
    name: 'IST0101 destination and mirror hosts no Service defines, and a port the service does not expose',
    analyzer: virtualServiceDestinationsAnalyzer,
    files: [...BOOKINFO, 'host-not-found.yaml'],
    expected: [
      { code: 'IST0101', resource: 'VirtualService default/reviews', file: 'host-not-found.yaml', line: 11, path: 'spec.http[0].route[0].destination.host', message: 'Referenced host not found: "reviewz"' },
      { code: 'IST0101', resource: 'VirtualService default/reviews', file: 'host-not-found.yaml', line: 13, path: 'spec.http[0].mirror.host', message: 'Referenced mirror host not found: "ratings.default"' },
      { code: 'IST0101', resource: 'VirtualService default/reviews', file: 'host-not-found.yaml', line: 17, path: 'spec.tcp[0].route[0].destination.host', message: 'Referenced host:port not found: "details.default.svc.cluster.local:9090"' },
    ],
  },
  {
    name: 'IST0112 no destination port towards a service with several',
    analyzer: virtualServiceDestinationsAnalyzer,
    files: [...BOOKINFO, 'port-selector.yaml'],
    expected: [{
      code: 'IST0112', name: 'VirtualServiceDestinationPortSelectorRequired', level: 'Error', resource: 'VirtualService default/multi', file: 'port-selector.yaml', line: 24,
      message: 'This VirtualService routes to a service "multi" that exposes multiple ports [8080 9090]. Specifying a port in the destination is required to disambiguate.',
    }],
  },
  {
    name: 'IST0101 a subset no DestinationRule for the host defines (full and short names meet)',
    analyzer: virtualServiceSubsetsAnalyzer,
    files: [...BOOKINFO, 'subset-not-found.yaml'],
    expected: [{
      code: 'IST0101', resource: 'VirtualService default/reviews', file: 'subset-not-found.yaml', line: 12, path: 'spec.http[0].route[0].destination.subset',
      message: 'Referenced host+subset in destinationrule not found: "reviews+v4"',
    }],
  },
  {
    name: 'IST0109 VirtualServices bound to mesh for the same host, exportTo scoping the clash',
    analyzer: conflictingMeshGatewayHostsAnalyzer,
    files: [...BOOKINFO, 'conflicting-mesh-hosts.yaml'],
    opts: { allNamespaces: true },
    expected: [
      {
        code: 'IST0109', name: 'ConflictingMeshGatewayVirtualServiceHosts', level: 'Error', resource: 'VirtualService default/reviews-canary', file: 'conflicting-mesh-hosts.yaml', line: 4,
        message: 'The VirtualServices default/reviews,default/reviews-canary associated with mesh gateway define the same host reviews.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.',
      },
      {
        code: 'IST0109', resource: 'VirtualService team-b/reviews-private', file: 'conflicting-mesh-hosts.yaml', line: 17,
        message: 'The VirtualServices default/reviews,default/reviews-canary,team-b/reviews-private associated with mesh gateway define the same host reviews.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.',
      },
      { code: 'IST0109', resource: 'VirtualService default/reviews', file: 'bookinfo/virtual-service-all-v1.yaml', line: 17 },
    ],
  },
  {
    name: 'IST0173 a routed subset whose labels select no pod of the service',
    analyzer: destinationRuleSubsetsAnalyzer,
    files: [...WORKLOADS, 'subset-without-pods.yaml'],
    expected: [{
      code: 'IST0173', name: 'DestinationRuleSubsetNotSelectPods', level: 'Error', resource: 'DestinationRule default/reviews', file: 'subset-without-pods.yaml', line: 11,
      path: 'spec.subsets[1].name',
      message: 'The Subset v4 defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).',
    }],
  },
  {
    name: 'IST0174 a DestinationRule host that matches no service',
    analyzer: destinationRuleSubsetsAnalyzer,
    files: [...WORKLOADS, 'destination-rule-tls.yaml'],
    expected: [{
      code: 'IST0174', name: 'UnknownDestinationRuleHost', level: 'Warning', resource: 'DestinationRule default/typo', file: 'destination-rule-tls.yaml', line: 52,
      message: 'The host ratingz defined in the DestinationRule does not match any services in the mesh.',
    }],
  },
  {
    name: 'IST0128/IST0129 TLS origination without caCertificates, rule-wide and per port',
    analyzer: destinationRuleCaCertificatesAnalyzer,
    files: [...WORKLOADS, 'destination-rule-tls.yaml'],
    expected: [
      {
        code: 'IST0128', level: 'Warning', resource: 'DestinationRule default/external-api', file: 'destination-rule-tls.yaml', line: 25,
        message: 'DestinationRule default/external-api in namespace default has TLS mode set to SIMPLE but no caCertificates are set to validate server identity for host: api.example.com',
      },
      {
        code: 'IST0129', level: 'Warning', resource: 'DestinationRule default/external-api', file: 'destination-rule-tls.yaml', line: 30,
        message: 'DestinationRule default/external-api in namespace default has TLS mode set to MUTUAL but no caCertificates are set to validate server identity for host: api.example.com at port number:8443',
      },
    ],
  },
  {
    name: 'SKIFF0002 DestinationRule TLS contradicting PeerAuthentication (DISABLE vs STRICT, ISTIO_MUTUAL vs DISABLE)',
    analyzer: mtlsPolicyConflictAnalyzer,
    files: [...WORKLOADS, 'mtls-conflict.yaml'],
    expected: [
      {
        code: 'SKIFF0002', name: 'MTLSPolicyConflict', level: 'Error', resource: 'DestinationRule default/details-mtls', file: 'mtls-conflict.yaml', line: 38,
        path: 'spec.trafficPolicy.tls.mode',
        message: 'A DestinationRule and PeerAuthentication are in conflict with regards to mTLS for host details.default.svc.cluster.local. The DestinationRule "default/details-mtls" specifies TLS mode ISTIO_MUTUAL but the PeerAuthentication "default/details-plaintext" specifies mTLS mode DISABLE: clients send mTLS that the workloads do not accept, so requests fail with 503.',
      },
      {
        code: 'SKIFF0002', resource: 'DestinationRule default/ratings-plaintext', file: 'mtls-conflict.yaml', line: 28,
        message: 'A DestinationRule and PeerAuthentication are in conflict with regards to mTLS for host ratings.default.svc.cluster.local. The DestinationRule "default/ratings-plaintext" specifies TLS mode DISABLE but the PeerAuthentication "default/default" specifies mTLS mode STRICT: clients send plain text that the workloads reject, so requests fail with 503.',
      },
    ],
  },
  {
    name: 'SKIFF0003 STRICT workloads without ISTIO_MUTUAL DestinationRule when auto mTLS is off',
    analyzer: mtlsPolicyConflictAnalyzer,
    files: [...WORKLOADS, 'mtls-conflict.yaml'],
    opts: { meshConfig: { enableAutoMtls: false } },
    expected: [
      { code: 'SKIFF0002', resource: 'DestinationRule default/details-mtls' },
      { code: 'SKIFF0002', resource: 'DestinationRule default/ratings-plaintext' },
      {
        code: 'SKIFF0003', name: 'MTLSRequiredWithoutDestinationRule', level: 'Error', resource: 'PeerAuthentication default/default', file: 'mtls-conflict.yaml', line: 7,
        message: 'The PeerAuthentication "default/default" requires mTLS (STRICT) for host productpage.default.svc.cluster.local, but auto mTLS is disabled (meshConfig.enableAutoMtls: false) and no DestinationRule sets tls.mode ISTIO_MUTUAL for it: clients send plain text and get 503 (connection reset).',
      },
      { code: 'SKIFF0003', resource: 'PeerAuthentication default/default', message: /host ratings\.default\.svc\.cluster\.local/ },
    ],
  },
  {
    name: 'IST0118 port names that give no protocol (appProtocol, UDP and well-known ports excepted)',
    analyzer: servicePortNamesAnalyzer,
    files: ['port-names.yaml'],
    expected: [
      {
        code: 'IST0118', name: 'PortNameIsNotUnderNamingConvention', level: 'Info', resource: 'Service default/legacy', file: 'port-names.yaml', line: 10,
        message: "Port name web (port: 8080, targetPort: 8081) doesn't follow the naming convention of Istio port.",
      },
      { code: 'IST0118', resource: 'Service default/unnamed', line: 31, message: "Port name  (port: 9000, targetPort: 9000) doesn't follow the naming convention of Istio port." },
    ],
  },
  {
    name: 'SKIFF0001 kinds stored but not enforced',
    analyzer: notEnforcedAnalyzer,
    files: [...BOOKINFO, 'not-enforced.yaml'],
    expected: [
      { code: 'SKIFF0001', name: 'NotEnforced', level: 'Warning', resource: 'HTTPRoute default/reviews', file: 'not-enforced.yaml', line: 11, message: 'HTTPRoute (gateway.networking.k8s.io) is stored but has no effect in this version of Skiff.' },
      { code: 'SKIFF0001', resource: 'Sidecar default/default', file: 'not-enforced.yaml', line: 2, message: 'Sidecar (networking.istio.io) is stored but has no effect in this version of Skiff.' },
    ],
  },
  {
    name: 'IST0102 a namespace with workloads and no injection label; IST0123 two injection labels',
    analyzer: namespaceInjectionAnalyzer,
    files: ['namespace-not-injected.yaml'],
    opts: { allNamespaces: true },
    expected: [
      {
        code: 'IST0123', level: 'Warning', resource: 'Namespace team-b', file: 'namespace-not-injected.yaml', line: 15,
        message: 'The namespace has more than one type of injection labels [istio-injection=enabled istio.io/rev=canary], which may lead to undefined behavior. Make sure only one injection label exists.',
      },
      {
        code: 'IST0102', name: 'NamespaceNotInjected', level: 'Info', resource: 'Namespace team-a', file: 'namespace-not-injected.yaml', line: 4,
        message: "The namespace is not enabled for Istio injection. Run 'kubectl label namespace team-a istio-injection=enabled' to enable it, or 'kubectl label namespace team-a istio-injection=disabled' to explicitly mark it as not needing injection.",
      },
    ],
  },
  {
    name: 'IST0145 gateways on the same workload and port with overlapping hosts',
    analyzer: conflictingGatewaysAnalyzer,
    files: ['conflicting-gateways.yaml'],
    expected: [
      { code: 'IST0145', name: 'ConflictingGateways', level: 'Error', resource: 'Gateway default/alpha', file: 'conflicting-gateways.yaml', line: 9, message: 'Conflict with gateways default/beta (workload selector istio=ingressgateway, port 80, hosts foo.example.com).' },
      { code: 'IST0145', resource: 'Gateway default/beta', file: 'conflicting-gateways.yaml', line: 24, message: 'Conflict with gateways default/alpha (workload selector istio=ingressgateway, port 80, hosts *.example.com).' },
    ],
  },
];

function matches(actual: AnalysisMessage, expected: Expect): boolean {
  return Object.entries(expected).every(([k, v]) => {
    const a = (actual as unknown as Record<string, unknown>)[k];
    return v instanceof RegExp ? typeof a === 'string' && v.test(a) : a === v;
  });
}

describe('analyzers, one mistake each', () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = runAnalyzers(fixture(...c.files), c.opts ?? {}, [c.analyzer]);
      assert.equal(got.length, c.expected.length, `expected ${c.expected.length} messages, got:\n${got.map((m) => JSON.stringify(m)).join('\n')}`);
      c.expected.forEach((e, i) => {
        assert.ok(matches(got[i]!, e), `message ${i}:\n  got      ${JSON.stringify(got[i])}\n  expected ${JSON.stringify(e, (_k, v) => (v instanceof RegExp ? String(v) : v))}`);
      });
    });
  }

  it('fixtures are valid Istio configuration: only the schema fixture fails validation', () => {
    for (const file of new Set(cases.flatMap((c) => c.files))) {
      if (file === 'schema-error.yaml') continue;
      assert.deepEqual(runAnalyzers(fixture(file), { allNamespaces: true }, [schemaValidationAnalyzer]), [], file);
    }
  });

  it('every analyzer is quiet on the Bookinfo configuration', () => {
    for (const c of cases) {
      if (c.analyzer === schemaValidationAnalyzer) continue; // validation has its own clean-run test in analyze.test.ts
      assert.deepEqual(runAnalyzers(fixture(...BOOKINFO), { allNamespaces: true }, [c.analyzer]), [], c.analyzer.name);
    }
  });
});
