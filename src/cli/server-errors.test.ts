import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveKindName } from '../config/kinds.js';
import { ApiError, toStatus } from './client/api-errors.js';
import { serverErrorText } from './server-errors.js';

const vs = resolveKindName('vs')!;

test('422 Invalid reads as kubectl prints it: one cause inline, several as a list', () => {
  const one = new ApiError({ kind: 'Status', code: 422, reason: 'Invalid', message: 'VirtualService.networking.istio.io "reviews" is invalid', details: { name: 'reviews', causes: [{ field: 'spec.http[0].route[0].weight', message: 'expected a whole-number weight between 0 and 100' }] } });
  assert.equal(serverErrorText(one, { info: vs, name: 'reviews', op: 'patch' }), 'The VirtualService "reviews" is invalid: spec.http[0].route[0].weight: expected a whole-number weight between 0 and 100');
  const two = new ApiError({ kind: 'Status', code: 422, reason: 'Invalid', message: 'invalid', details: { causes: [{ field: 'spec.hosts', message: 'hosts is required' }, { field: 'spec.http[0]', message: 'route is required' }] } });
  assert.equal(serverErrorText(two, { info: vs, name: 'x', op: 'create' }), 'The VirtualService "x" is invalid: \n* spec.hosts: hosts is required\n* spec.http[0]: route is required');
});

test('other failures keep the server reason and name the file when there is one', () => {
  const conflict = new ApiError(toStatus(409, JSON.stringify({ kind: 'Status', code: 409, reason: 'Conflict', message: 'the object has been modified; please apply your changes to the latest version and try again' })));
  assert.equal(serverErrorText(conflict, { info: vs, name: 'reviews', file: 'vs.yaml', op: 'replace' }),
    'Error from server (Conflict): error when replacing "vs.yaml": the object has been modified; please apply your changes to the latest version and try again');
  // A body that is not a Status still gives a reason from the status code.
  assert.equal(serverErrorText(new ApiError(toStatus(503, 'upstream down')), { info: vs, op: 'list' }), 'Error from server (ServiceUnavailable): upstream down');
});
