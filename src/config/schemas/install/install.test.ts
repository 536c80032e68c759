// IstioOperator schema: the shapes of Istio's install docs validate (profile, meshConfig with
// extension providers, gateway components); bad documents are rejected with the exact field path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSamplesValidate, badDocumentTable, type BadDocument } from '../schema-test-kit.js';

const SAMPLES = `
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: demo
spec:
  profile: demo
---
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: installed-state
  namespace: istio-system
spec:
  profile: default
  hub: docker.io/istio
  tag: 1.24.0
  revision: canary
  meshConfig:
    accessLogFile: /dev/stdout
    accessLogEncoding: JSON
    accessLogFormat: "[%START_TIME%] %REQ(:METHOD)% %RESPONSE_CODE%\\n"
    enableTracing: true
    enableAutoMtls: true
    trustDomain: cluster.local
    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
    defaultConfig:
      holdApplicationUntilProxyStarts: true
      discoveryAddress: istiod.istio-system.svc:15012
      proxyMetadata:
        ISTIO_META_DNS_CAPTURE: "true"
      tracing:
        sampling: 100
        zipkin:
          address: zipkin.istio-system:9411
    defaultProviders:
      metrics: [prometheus]
    extensionProviders:
    - name: sample-ext-authz-grpc
      envoyExtAuthzGrpc:
        service: ext-authz.foo.svc.cluster.local
        port: 9000
    - name: sample-ext-authz-http
      envoyExtAuthzHttp:
        service: ext-authz.foo.svc.cluster.local
        port: 8000
        includeRequestHeadersInCheck: ["x-ext-authz"]
        statusOnError: "503"
        timeout: 2s
    - name: zipkin
      zipkin:
        service: zipkin.istio-system.svc.cluster.local
        port: 9411
    - name: otel
      envoyOtelAls:
        service: opentelemetry-collector.istio-system.svc.cluster.local
        port: 4317
        logFormat:
          labels:
            pod: "%ENVIRONMENT(POD_NAME)%"
    - name: otel-tracing
      opentelemetry:
        service: opentelemetry-collector.observability.svc.cluster.local
        port: 4317
    - name: json-log
      envoyFileAccessLog:
        path: /dev/stdout
        logFormat:
          labels:
            code: "%RESPONSE_CODE%"
    localityLbSetting:
      enabled: true
  components:
    base:
      enabled: true
    pilot:
      k8s:
        env:
        - name: PILOT_TRACE_SAMPLING
          value: "100"
        hpaSpec:
          minReplicas: 2
        resources:
          requests:
            cpu: 500m
            memory: 2048Mi
    ingressGateways:
    - name: istio-ingressgateway
      enabled: true
      label:
        istio: ingressgateway
      k8s:
        service:
          type: NodePort
          ports:
          - port: 80
            targetPort: 8080
            name: http2
            nodePort: 30080
        overlays:
        - kind: Deployment
          name: istio-ingressgateway
          patches:
          - path: spec.template.spec.containers[0].readinessProbe.initialDelaySeconds
            value: 5
    egressGateways:
    - name: istio-egressgateway
      enabled: true
  values:
    global:
      proxy:
        privileged: true
    pilot:
      autoscaleEnabled: false
`;

test('IstioOperator samples validate', () => {
  assertSamplesValidate(SAMPLES, 'iop.yaml', 2);
});

const iop = (spec: unknown) => ({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'x' }, spec });
const mesh = (meshConfig: unknown) => iop({ meshConfig });
const provider = (p: unknown) => mesh({ extensionProviders: [p] });

const BAD: BadDocument[] = [
  { name: 'unknown profile', doc: iop({ profile: 'production' }), path: 'spec.profile', message: /unknown value "production": expected one of default, demo, minimal, empty, remote, ambient, preview/ },
  { name: 'unknown spec field', doc: iop({ profil: 'demo' }), path: 'spec.profil', message: /unknown field "profil"/ },
  { name: 'bad hub', doc: iop({ hub: 'Docker.io/Istio' }), path: 'spec.hub', message: /bad hub/ },
  { name: 'bad tag', doc: iop({ tag: '1.24 beta' }), path: 'spec.tag', message: /bad tag/ },
  { name: 'bad revision', doc: iop({ revision: '1.24' }), path: 'spec.revision', message: /DNS label/ },
  { name: 'bad access log encoding', doc: mesh({ accessLogEncoding: 'YAML' }), path: 'spec.meshConfig.accessLogEncoding', message: /expected one of TEXT, JSON/ },
  { name: 'accessLogFile not a string', doc: mesh({ accessLogFile: true }), path: 'spec.meshConfig.accessLogFile', message: /expected string/ },
  { name: 'bad outbound traffic mode', doc: mesh({ outboundTrafficPolicy: { mode: 'DENY' } }), path: 'spec.meshConfig.outboundTrafficPolicy.mode', message: /ALLOW_ANY, REGISTRY_ONLY/ },
  { name: 'enableTracing as a string', doc: mesh({ enableTracing: 'yes' }), path: 'spec.meshConfig.enableTracing', message: /boolean/ },
  { name: 'unknown meshConfig field', doc: mesh({ accessLogFiles: '/dev/stdout' }), path: 'spec.meshConfig.accessLogFiles', message: /unknown field "accessLogFiles"/ },
  { name: 'removed meshConfig field', doc: mesh({ mixerCheckServer: 'x' }), path: 'spec.meshConfig.mixerCheckServer', message: /unknown field/ },
  { name: 'bad discovery address', doc: mesh({ defaultConfig: { discoveryAddress: 'istiod.istio-system.svc' } }), path: 'spec.meshConfig.defaultConfig.discoveryAddress', message: /host:port/ },
  { name: 'proxyMetadata value not a string', doc: mesh({ defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: true } } }), path: 'spec.meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE', message: /quote numbers and booleans/ },
  { name: 'unknown proxy config field', doc: mesh({ defaultConfig: { holdApplicationUntilProxyStart: true } }), path: 'spec.meshConfig.defaultConfig.holdApplicationUntilProxyStart', message: /unknown field/ },
  { name: 'provider without name', doc: provider({ zipkin: { service: 'zipkin.istio-system', port: 9411 } }), path: 'spec.meshConfig.extensionProviders[0].name', message: /name is required/ },
  { name: 'provider without a type', doc: provider({ name: 'x' }), path: 'spec.meshConfig.extensionProviders[0]', message: /must set one provider type/ },
  { name: 'provider with two types', doc: provider({ name: 'x', zipkin: { service: 'z', port: 9411 }, datadog: { service: 'd', port: 8126 } }), path: 'spec.meshConfig.extensionProviders[0].datadog', message: /exactly one type/ },
  { name: 'provider without port', doc: provider({ name: 'authz', envoyExtAuthzGrpc: { service: 'authz.foo.svc.cluster.local' } }), path: 'spec.meshConfig.extensionProviders[0].envoyExtAuthzGrpc.port', message: /port is required/ },
  { name: 'provider bad service', doc: provider({ name: 'authz', envoyExtAuthzHttp: { service: 'http://authz', port: 80 } }), path: 'spec.meshConfig.extensionProviders[0].envoyExtAuthzHttp.service', message: /invalid service/ },
  { name: 'provider pathPrefix without slash', doc: provider({ name: 'authz', envoyExtAuthzHttp: { service: 'authz', port: 80, pathPrefix: 'check' } }), path: 'spec.meshConfig.extensionProviders[0].envoyExtAuthzHttp.pathPrefix', message: /begin with "\/"/ },
  { name: 'provider bad statusOnError', doc: provider({ name: 'authz', envoyExtAuthzGrpc: { service: 'authz', port: 9000, statusOnError: 'denied' } }), path: 'spec.meshConfig.extensionProviders[0].envoyExtAuthzGrpc.statusOnError', message: /HTTP status code/ },
  { name: 'duplicate provider names', doc: mesh({ extensionProviders: [{ name: 'p', prometheus: {} }, { name: 'p', prometheus: {} }] }), path: 'spec.meshConfig.extensionProviders[1].name', message: /duplicate extension provider name/ },
  { name: 'otel with http and grpc', doc: provider({ name: 'o', opentelemetry: { service: 'otel', port: 4317, http: {}, grpc: {} } }), path: 'spec.meshConfig.extensionProviders[0].opentelemetry.grpc', message: /both grpc and http/ },
  { name: 'unknown component', doc: iop({ components: { ingressGateway: [] } }), path: 'spec.components.ingressGateway', message: /unknown field "ingressGateway"/ },
  { name: 'gateway name uppercase', doc: iop({ components: { ingressGateways: [{ name: 'Ingress' }] } }), path: 'spec.components.ingressGateways[0].name', message: /lowercase/ },
  { name: 'duplicate gateway names', doc: iop({ components: { egressGateways: [{ name: 'egress' }, { name: 'egress' }] } }), path: 'spec.components.egressGateways[1].name', message: /duplicate gateway name/ },
  { name: 'gateway enabled as a string', doc: iop({ components: { ingressGateways: [{ name: 'i', enabled: 'true' }] } }), path: 'spec.components.ingressGateways[0].enabled', message: /boolean/ },
  { name: 'component k8s unknown field', doc: iop({ components: { pilot: { k8s: { replicas: 2 } } } }), path: 'spec.components.pilot.k8s.replicas', message: /unknown field "replicas"/ },
  { name: 'component env without name', doc: iop({ components: { pilot: { k8s: { env: [{ value: '1' }] } } } }), path: 'spec.components.pilot.k8s.env[0].name', message: /name is required/ },
  { name: 'component service bad port', doc: iop({ components: { ingressGateways: [{ name: 'i', k8s: { service: { ports: [{ port: 80, targetPort: 0 }] } } }] } }), path: 'spec.components.ingressGateways[0].k8s.service.ports[0].targetPort', message: /between 1 and 65535/ },
  { name: 'base takes no namespace', doc: iop({ components: { base: { namespace: 'istio-system' } } }), path: 'spec.components.base.namespace', message: /unknown field "namespace"/ },
  { name: 'values not a mapping', doc: iop({ values: ['global'] }), path: 'spec.values', message: /mapping|record|object/ },
];

test('the IstioOperator bad-document table is large enough to mean something', () => {
  assert.ok(BAD.length >= 30, `only ${BAD.length} cases`);
});

badDocumentTable(BAD);
