import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podExecEnv } from './pod-exec-env.js';
import { defaultContainer, type PodView } from './pod-target.js';

function pod(injected: boolean, extra: Partial<PodView['metadata']> = {}): PodView {
  return {
    metadata: { name: 'sleep-abc-xyz', namespace: 'apps', ...extra },
    spec: {
      serviceAccountName: 'sleep',
      containers: [
        { name: 'sleep', image: 'curlimages/curl', ports: [{ containerPort: 80 }], env: [{ name: 'TARGET', value: 'http://$(POD_NAMESPACE).example' }] },
        ...(injected ? [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2' }] : []),
      ],
    },
    status: {
      phase: 'Running',
      skiff: {
        ports: [{ containerPort: 80, appPort: 41000, endpointPort: injected ? 41001 : 41000 }],
        ...(injected ? { sidecar: { outbound: 42000, admin: 42001 } } : {}),
      },
    },
  };
}

const caller = { PATH: '/usr/bin', HOME: '/home/me', HTTP_PROXY: 'http://corporate:3128', SECRET: 'x' };

test('an injected pod\'s app container calls out through its sidecar', () => {
  const env = podExecEnv(pod(true), 'sleep', caller);
  assert.equal(env.HTTP_PROXY, 'http://127.0.0.1:42000');
  assert.equal(env.http_proxy, 'http://127.0.0.1:42000');
  assert.equal(env.NO_PROXY, '');
  assert.deepEqual([env.POD_NAME, env.POD_NAMESPACE, env.HOSTNAME, env.SERVICE_ACCOUNT], ['sleep-abc-xyz', 'apps', 'sleep-abc-xyz', 'sleep']);
  assert.equal(env.PORT, '41000');
  assert.equal(env.TARGET, 'http://apps.example');
  assert.equal(env.PATH, '/usr/bin');
  assert.equal(env.SECRET, undefined, 'only what a container inherits from the machine');
});

test('without a sidecar, and in the sidecar container, no proxy (not even the caller\'s)', () => {
  assert.equal(podExecEnv(pod(false), 'sleep', caller).HTTP_PROXY, undefined);
  const proxyEnv = podExecEnv(pod(true), 'istio-proxy', caller);
  assert.equal(proxyEnv.HTTP_PROXY, undefined);
  assert.equal(proxyEnv.TARGET, undefined);
  assert.equal(proxyEnv.POD_NAME, 'sleep-abc-xyz');
});

test('the default container: annotated, else the only app container, else none', () => {
  assert.equal(defaultContainer(pod(true)), 'sleep');
  assert.equal(defaultContainer(pod(true, { annotations: { 'kubectl.kubernetes.io/default-container': 'istio-proxy' } })), 'istio-proxy');
  const two = pod(false);
  two.spec!.containers!.push({ name: 'helper' });
  assert.equal(defaultContainer(two), undefined);
});
