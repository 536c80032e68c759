import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  exportToProblems, fqdnProblem, gatewayNameProblem, hostsOverlap, hostSubsetOf, ipSubnetProblem,
  namespacedHostProblem, wildcardDomainProblem,
} from './hosts.js';

test('wildcard domains: a wildcard only in the first label, no ports, no URLs', () => {
  for (const h of ['reviews', 'reviews.default.svc.cluster.local', '*', '*.example.com', '*-foo.example.com', 'istio.io.', 'Reviews.Example.com']) {
    assert.equal(wildcardDomainProblem(h), undefined, h);
  }
  assert.match(wildcardDomainProblem('foo.*.com')!, /first label/);
  assert.match(wildcardDomainProblem('reviews:9080')!, /port/);
  assert.match(wildcardDomainProblem('https://reviews')!, /URL/);
  assert.match(wildcardDomainProblem('example.123')!, /all digits/);
  assert.match(wildcardDomainProblem('')!, /empty/);
  assert.match(wildcardDomainProblem('a'.repeat(64) + '.com')!, /invalid/);
  assert.match(fqdnProblem('*.example.com')!, /wildcard/);
});

test('host overlap and subset follow Istio\'s host.Name rules', () => {
  assert.equal(hostsOverlap('a.example.com', '*.example.com'), true);
  assert.equal(hostsOverlap('*.example.com', '*.com'), true);
  assert.equal(hostsOverlap('a.example.com', 'b.example.com'), false);
  assert.equal(hostsOverlap('*', 'anything.at.all'), true);
  assert.equal(hostSubsetOf('login.bookinfo.com', '*.bookinfo.com'), true);
  assert.equal(hostSubsetOf('*.bookinfo.com', 'login.bookinfo.com'), false);
  assert.equal(hostSubsetOf('*.a.bookinfo.com', '*.bookinfo.com'), true);
});

test('namespace/host entries of gateways and sidecars', () => {
  assert.equal(namespacedHostProblem('*', 'gateway'), undefined);
  assert.equal(namespacedHostProblem('./*.example.com', 'gateway'), undefined);
  assert.equal(namespacedHostProblem('10.1.2.3', 'gateway'), undefined);
  assert.equal(namespacedHostProblem('~bookinfo/*', 'sidecar'), undefined);
  assert.match(namespacedHostProblem('10.1.2.3', 'sidecar')!, /namespace\/host/);
  assert.match(namespacedHostProblem('*/10.1.2.3', 'sidecar')!, /all digits/);
  assert.match(namespacedHostProblem('ns/*foo.com', 'gateway')!, /partial wildcard/);
});

test('gateway names, subnets and exportTo', () => {
  assert.equal(gatewayNameProblem('mesh'), undefined);
  assert.equal(gatewayNameProblem('istio-system/ingressgateway'), undefined);
  assert.equal(gatewayNameProblem('ingressgateway.istio-system.svc.cluster.local'), undefined);
  assert.match(gatewayNameProblem('a/b/c')!, /invalid gateway name/);
  assert.equal(ipSubnetProblem('2001:db8::/32'), undefined);
  assert.match(ipSubnetProblem('10.0.0.0/33')!, /CIDR/);
  assert.deepEqual(exportToProblems(['.', 'ns1'], false), []);
  assert.deepEqual(exportToProblems(['~'], true), []);
  assert.equal(exportToProblems(['Bad_NS'], false)[0]!.index, 0);
});
