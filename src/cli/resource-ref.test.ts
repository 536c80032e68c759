import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from './cli-error.js';
import { kindQualifier, objectRef, parseTypeAndNames, resourceQualifier } from './resource-ref.js';

test('short names, plurals and group-qualified names resolve as kubectl does', () => {
  const { groups } = parseTypeAndNames(['vs,dr,gw,se,pa,ap,ra,svc,deploy,po,ns,sa'], 'get');
  assert.deepEqual(groups.map((g) => kindQualifier(g.info)), [
    'virtualservice.networking.istio.io', 'destinationrule.networking.istio.io', 'gateway.networking.istio.io',
    'serviceentry.networking.istio.io', 'peerauthentication.security.istio.io', 'authorizationpolicy.security.istio.io',
    'requestauthentication.security.istio.io', 'service', 'deployment.apps', 'pod', 'namespace', 'serviceaccount',
  ]);
  const gwapi = parseTypeAndNames(['gateways.gateway.networking.k8s.io', 'web'], 'get').groups[0]!;
  assert.equal(objectRef(gwapi.info, 'web'), 'gateway.gateway.networking.k8s.io/web');
  assert.equal(resourceQualifier(gwapi.info), 'gateways.gateway.networking.k8s.io');
});

test('TYPE NAME… and TYPE/NAME… forms', () => {
  const plain = parseTypeAndNames(['virtualservices', 'reviews', 'ratings'], 'get');
  assert.equal(plain.slashForm, false);
  assert.deepEqual(plain.groups[0]!.names, ['reviews', 'ratings']);
  const slash = parseTypeAndNames(['vs/reviews', 'dr/reviews', 'vs/ratings'], 'get');
  assert.equal(slash.slashForm, true);
  assert.deepEqual(slash.groups.map((g) => [g.info.kind, g.names]), [['VirtualService', ['reviews', 'ratings']], ['DestinationRule', ['reviews']]]);
});

test('an unknown type is the server not having it', () => {
  assert.throws(() => parseTypeAndNames(['foo'], 'get'), (e: unknown) => e instanceof CliError && e.text === 'error: the server doesn\'t have a resource type "foo"');
  assert.throws(() => parseTypeAndNames(['vs,bogus'], 'get'), (e: unknown) => e instanceof CliError && e.text.includes('"bogus"'));
});
