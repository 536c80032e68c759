// Kubernetes schemas: Istio's Bookinfo, curl and httpbin manifests and the other shapes the local
// runtime reads validate; bad documents are rejected with the exact field path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSamplesValidate, badDocumentTable, type BadDocument } from '../schema-test-kit.js';
import { labelSelectorMatches, parseQuantity } from './meta.js';

const BOOKINFO = `
apiVersion: v1
kind: Service
metadata:
  name: details
  labels:
    app: details
    service: details
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: details
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: bookinfo-details
  labels:
    account: details
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: details-v1
  labels:
    app: details
    version: v1
spec:
  replicas: 1
  selector:
    matchLabels:
      app: details
      version: v1
  template:
    metadata:
      labels:
        app: details
        version: v1
    spec:
      serviceAccountName: bookinfo-details
      containers:
      - name: details
        image: docker.io/istio/examples-bookinfo-details-v1:1.20.3
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 9080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-v1
  labels:
    app: reviews
    version: v1
spec:
  replicas: 1
  selector:
    matchLabels:
      app: reviews
      version: v1
  template:
    metadata:
      labels:
        app: reviews
        version: v1
    spec:
      serviceAccountName: bookinfo-reviews
      containers:
      - name: reviews
        image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.3
        imagePullPolicy: IfNotPresent
        env:
        - name: LOG_DIR
          value: "/tmp/logs"
        ports:
        - containerPort: 9080
        volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: wlp-output
          mountPath: /opt/ibm/wlp/output
      volumes:
      - name: wlp-output
        emptyDir: {}
      - name: tmp
        emptyDir: {}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: productpage-v1
  labels:
    app: productpage
    version: v1
spec:
  replicas: 1
  selector:
    matchLabels:
      app: productpage
      version: v1
  template:
    metadata:
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9080"
        prometheus.io/path: "/metrics"
      labels:
        app: productpage
        version: v1
    spec:
      serviceAccountName: bookinfo-productpage
      containers:
      - name: productpage
        image: docker.io/istio/examples-bookinfo-productpage-v1:1.20.3
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 9080
        volumeMounts:
        - name: tmp
          mountPath: /tmp
      volumes:
      - name: tmp
        emptyDir: {}
`;

const OTHERS = `
apiVersion: v1
kind: Namespace
metadata:
  name: bookinfo
  labels:
    istio-injection: enabled
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: curl
spec:
  replicas: 1
  selector:
    matchLabels:
      app: curl
  template:
    metadata:
      labels:
        app: curl
    spec:
      terminationGracePeriodSeconds: 0
      serviceAccountName: curl
      containers:
      - name: curl
        image: docker.io/curlimages/curl:8.16.0
        command: ["/bin/sleep", "infinity"]
        imagePullPolicy: IfNotPresent
        volumeMounts:
        - mountPath: /etc/curl/tls
          name: secret-volume
      volumes:
      - name: secret-volume
        secret:
          secretName: curl-secret
          optional: true
---
apiVersion: v1
kind: Service
metadata:
  name: httpbin
spec:
  ports:
  - name: http
    port: 8000
    targetPort: 8080
  - name: grpc-web
    port: 9000
    targetPort: grpc
    appProtocol: kubernetes.io/h2c
  selector:
    app: httpbin
---
apiVersion: v1
kind: Service
metadata:
  name: ingress
spec:
  type: LoadBalancer
  ports:
  - name: http2
    port: 80
    targetPort: 8080
    nodePort: 31380
---
apiVersion: v1
kind: Service
metadata:
  name: external-db
spec:
  type: ExternalName
  externalName: db.example.com
---
apiVersion: v1
kind: Pod
metadata:
  name: fortio
  labels:
    app: fortio
spec:
  restartPolicy: Never
  containers:
  - name: fortio
    image: fortio/fortio:latest_release
    args: ["server"]
    ports:
    - containerPort: 8080
      name: http-fortio
    - containerPort: 8079
      name: grpc-ping
      protocol: TCP
    env:
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: API_KEY
      valueFrom:
        secretKeyRef:
          name: api
          key: key
    envFrom:
    - configMapRef:
        name: fortio-config
    readinessProbe:
      httpGet:
        path: /fortio/
        port: http-fortio
      initialDelaySeconds: 1
      periodSeconds: 5
    livenessProbe:
      tcpSocket:
        port: 8080
      failureThreshold: 3
    resources:
      requests:
        cpu: 100m
        memory: 64Mi
      limits:
        cpu: "1"
        memory: 1Gi
    securityContext:
      runAsUser: 1337
      capabilities:
        drop: ["ALL"]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: hello
  name: hello
spec:
  replicas: 2
  selector:
    matchExpressions:
    - key: app
      operator: In
      values: [hello]
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: hello
    spec:
      containers:
      - image: docker.io/istio/helloworld-v1
        name: helloworld
        resources: {}
status: {}
---
apiVersion: v1
kind: Secret
metadata:
  name: httpbin-credential
  namespace: istio-system
type: kubernetes.io/tls
data:
  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
  tls.key: |
    LS0tLS1CRUdJTiBQUklWQVRF
    IEtFWS0tLS0t
stringData:
  ca.crt: "-----BEGIN CERTIFICATE-----"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: fortio-config
data:
  LOG_LEVEL: info
  config.json: '{"a": 1}'
binaryData:
  logo.png: iVBORw0KGgo=
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: httpbin
automountServiceAccountToken: false
imagePullSecrets:
- name: registry
`;

test('Bookinfo manifests in Istio\'s shapes validate', () => {
  assertSamplesValidate(BOOKINFO, 'manifest.yaml', 5);
});

test('curl, httpbin, fortio and the other runtime shapes validate', () => {
  assertSamplesValidate(OTHERS, 'manifest.yaml', 10);
});

test('label selectors match as Kubernetes evaluates them', () => {
  const labels = { app: 'reviews', version: 'v1' };
  assert.equal(labelSelectorMatches({ matchLabels: { app: 'reviews' } }, labels), true);
  assert.equal(labelSelectorMatches({ matchLabels: { app: 'ratings' } }, labels), false);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'version', operator: 'In', values: ['v1', 'v2'] }] }, labels), true);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'version', operator: 'NotIn', values: ['v1'] }] }, labels), false);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, labels), true);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'canary', operator: 'Exists' }] }, labels), false);
});

test('quantities parse to numbers', () => {
  assert.equal(parseQuantity('100m'), 0.1);
  assert.equal(parseQuantity('64Mi'), 64 * 2 ** 20);
  assert.equal(parseQuantity('1G'), 1e9);
  assert.equal(parseQuantity('2e3'), 2000);
  assert.equal(parseQuantity(3), 3);
  assert.equal(parseQuantity('1 Gi'), undefined);
});

const core = (kind: string, body: Record<string, unknown>) => ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'default' }, ...body });
const svc = (spec: unknown) => core('Service', { spec });
const podSpec = (extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
  containers: [{ name: 'app', image: 'docker.io/istio/examples-bookinfo-ratings-v1:1.20.3', ...container }], ...extra,
});
const pod = (extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => core('Pod', { spec: podSpec(extra, container) });
const deploy = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ratings-v1' },
  spec: { selector: { matchLabels: { app: 'ratings' } }, template: { metadata: { labels: { app: 'ratings' } }, spec: podSpec() }, ...spec },
});

const BAD: BadDocument[] = [
  { name: 'service port name not a DNS label', doc: svc({ ports: [{ name: 'HTTP', port: 80 }] }), path: 'spec.ports[0].name', message: /DNS label/ },
  { name: 'service ports without names', doc: svc({ ports: [{ name: 'http', port: 80 }, { port: 443 }] }), path: 'spec.ports[1].name', message: /required when a Service has more than one port/ },
  { name: 'service duplicate port names', doc: svc({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }), path: 'spec.ports[1].name', message: /duplicate port name "http"/ },
  { name: 'service duplicate port and protocol', doc: svc({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }), path: 'spec.ports[1]', message: /duplicate port 80/ },
  { name: 'service bad protocol', doc: svc({ ports: [{ port: 80, protocol: 'HTTP' }] }), path: 'spec.ports[0].protocol', message: /expected one of TCP, UDP, SCTP/ },
  { name: 'service bad type', doc: svc({ type: 'Internal', ports: [{ port: 80 }] }), path: 'spec.type', message: /ClusterIP, NodePort, LoadBalancer, ExternalName/ },
  { name: 'service numeric string targetPort', doc: svc({ ports: [{ port: 80, targetPort: '8080' }] }), path: 'spec.ports[0].targetPort', message: /at least one letter/ },
  { name: 'service targetPort out of range', doc: svc({ ports: [{ port: 80, targetPort: 70000 }] }), path: 'spec.ports[0].targetPort', message: /between 1 and 65535/ },
  { name: 'service nodePort on ClusterIP', doc: svc({ ports: [{ port: 80, nodePort: 30080 }] }), path: 'spec.ports[0].nodePort', message: /may not be used when type is ClusterIP/ },
  { name: 'service without ports', doc: svc({ selector: { app: 'a' } }), path: 'spec.ports', message: /at least one port/ },
  { name: 'ExternalName without externalName', doc: svc({ type: 'ExternalName' }), path: 'spec.externalName', message: /required for type ExternalName/ },
  { name: 'service bad clusterIP', doc: svc({ clusterIP: '10.0.0', ports: [{ port: 80 }] }), path: 'spec.clusterIP', message: /IP address/ },
  { name: 'service unknown spec field', doc: svc({ ports: [{ port: 80 }], selectors: { app: 'a' } }), path: 'spec.selectors', message: /unknown field "selectors"/ },
  { name: 'service bad appProtocol', doc: svc({ ports: [{ port: 80, appProtocol: 'http 2' }] }), path: 'spec.ports[0].appProtocol', message: /appProtocol/ },
  { name: 'pod without containers', doc: core('Pod', { spec: { containers: [] } }), path: 'spec.containers', message: /at least one container/ },
  { name: 'container name uppercase', doc: pod({}, { name: 'App' }), path: 'spec.containers[0].name', message: /DNS label/ },
  { name: 'container port name too long', doc: pod({}, { ports: [{ containerPort: 8080, name: 'http-very-long-name' }] }), path: 'spec.containers[0].ports[0].name', message: /1 to 15 characters/ },
  { name: 'container port out of range', doc: pod({}, { ports: [{ containerPort: 0 }] }), path: 'spec.containers[0].ports[0].containerPort', message: /between 1 and 65535/ },
  { name: 'env without name', doc: pod({}, { env: [{ value: 'x' }] }), path: 'spec.containers[0].env[0].name', message: /name is required/ },
  { name: 'env value and valueFrom', doc: pod({}, { env: [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }), path: 'spec.containers[0].env[0].valueFrom', message: /may not be specified when value is not empty/ },
  { name: 'env valueFrom with two sources', doc: pod({}, { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'x' }, secretKeyRef: { key: 'k' } } }] }), path: 'spec.containers[0].env[0].valueFrom.secretKeyRef', message: /exactly one of/ },
  { name: 'env value not a string', doc: pod({}, { env: [{ name: 'PORT', value: 9080 }] }), path: 'spec.containers[0].env[0].value', message: /expected string/ },
  { name: 'probe without handler', doc: pod({}, { readinessProbe: { periodSeconds: 5 } }), path: 'spec.containers[0].readinessProbe', message: /must specify one handler/ },
  { name: 'probe with two handlers', doc: pod({}, { readinessProbe: { httpGet: { port: 80 }, tcpSocket: { port: 80 } } }), path: 'spec.containers[0].readinessProbe.tcpSocket', message: /only one handler/ },
  { name: 'httpGet probe without port', doc: pod({}, { readinessProbe: { httpGet: { path: '/health' } } }), path: 'spec.containers[0].readinessProbe.httpGet.port', message: /port/ },
  { name: 'liveness successThreshold not 1', doc: pod({}, { livenessProbe: { exec: { command: ['true'] }, successThreshold: 2 } }), path: 'spec.containers[0].livenessProbe.successThreshold', message: /must be 1/ },
  { name: 'negative initialDelaySeconds', doc: pod({}, { readinessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: -1 } }), path: 'spec.containers[0].readinessProbe.initialDelaySeconds', message: /0 or more/ },
  { name: 'request above limit', doc: pod({}, { resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }), path: 'spec.containers[0].resources.requests.memory', message: /less than or equal to memory limit/ },
  { name: 'bad quantity', doc: pod({}, { resources: { limits: { cpu: 'one' } } }), path: 'spec.containers[0].resources.limits.cpu', message: /quantity/ },
  { name: 'mount of a missing volume', doc: pod({}, { volumeMounts: [{ name: 'data', mountPath: '/data' }] }), path: 'spec.containers[0].volumeMounts[0].name', message: /volume "data" not found/ },
  { name: 'volume without source', doc: pod({ volumes: [{ name: 'data' }] }), path: 'spec.volumes[0]', message: /must specify a source/ },
  { name: 'volume with unknown source', doc: pod({ volumes: [{ name: 'data', emptydir: {} }] }), path: 'spec.volumes[0].emptydir', message: /unknown field "emptydir"/ },
  { name: 'duplicate container names', doc: core('Pod', { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] } }), path: 'spec.containers[1].name', message: /duplicate container name/ },
  { name: 'bad restartPolicy', doc: pod({ restartPolicy: 'Sometimes' }), path: 'spec.restartPolicy', message: /Always, OnFailure, Never/ },
  { name: 'bad imagePullPolicy', doc: pod({}, { imagePullPolicy: 'IfMissing' }), path: 'spec.containers[0].imagePullPolicy', message: /IfNotPresent/ },
  { name: 'unknown pod spec field', doc: pod({ serviceAcountName: 'a' }), path: 'spec.serviceAcountName', message: /unknown field "serviceAcountName"/ },
  { name: 'deployment selector mismatch', doc: deploy({ selector: { matchLabels: { app: 'reviews' } } }), path: 'spec.template.metadata.labels', message: /selector does not match template labels/ },
  { name: 'deployment empty selector', doc: deploy({ selector: {} }), path: 'spec.selector', message: /empty selector/ },
  { name: 'deployment without selector', doc: deploy({ selector: undefined }), path: 'spec.selector', message: /selector is required/ },
  { name: 'deployment restartPolicy Never', doc: deploy({ template: { metadata: { labels: { app: 'ratings' } }, spec: podSpec({ restartPolicy: 'Never' }) } }), path: 'spec.template.spec.restartPolicy', message: /restartPolicy Always/ },
  { name: 'deployment Recreate with rollingUpdate', doc: deploy({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }), path: 'spec.strategy.rollingUpdate', message: /Recreate/ },
  { name: 'deployment maxSurge not a percentage', doc: deploy({ strategy: { rollingUpdate: { maxSurge: '25' } } }), path: 'spec.strategy.rollingUpdate.maxSurge', message: /percentage/ },
  { name: 'deployment fractional replicas', doc: deploy({ replicas: 1.5 }), path: 'spec.replicas', message: /whole number/ },
  { name: 'selector In without values', doc: deploy({ selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }), path: 'spec.selector.matchExpressions[0].values', message: /non-empty when operator is In/ },
  { name: 'secret data not base64', doc: core('Secret', { data: { password: 'hunter2!' } }), path: 'data.password', message: /base64/ },
  { name: 'secret bad key', doc: core('Secret', { stringData: { 'a/b': 'x' } }), path: 'stringData.a/b', message: /alphanumerics/ },
  { name: 'tls secret without key', doc: core('Secret', { type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'x' } }), path: 'data', message: /key "tls.key"/ },
  { name: 'secret unknown field', doc: core('Secret', { stringdata: { a: 'b' } }), path: 'stringdata', message: /unknown field "stringdata"/ },
  { name: 'configmap number value', doc: core('ConfigMap', { data: { replicas: 3 } }), path: 'data.replicas', message: /quote numbers/ },
  { name: 'configmap key in data and binaryData', doc: core('ConfigMap', { data: { a: 'x' }, binaryData: { a: 'eA==' } }), path: 'binaryData.a', message: /duplicate of key "a"/ },
  { name: 'serviceaccount automount as string', doc: core('ServiceAccount', { automountServiceAccountToken: 'false' }), path: 'automountServiceAccountToken', message: /boolean/ },
  { name: 'namespace unknown spec field', doc: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, spec: { finalizer: ['kubernetes'] } }, path: 'spec.finalizer', message: /unknown field "finalizer"/ },
];

test('the Kubernetes bad-document table is large enough to mean something', () => {
  assert.ok(BAD.length >= 30, `only ${BAD.length} cases`);
});

badDocumentTable(BAD);
