// AuthorizationPolicy (security.istio.io v1/v1beta1): the schema of istio/api's
// authorization_policy.proto with istiod's ValidateAuthorizationPolicy rules on top.
import { z } from 'zod';
import { oneOf, strictObject } from '../common.js';
import {
  conditionKeyProblem, conditionValueCheck, customActionUnsupportedKey, ipProblem, pathTemplateProblem, portProblem,
  serviceAccountProblem, trustDomainProblem,
} from './authz-values.js';
import { checkSingleTarget, policyTargetFields } from './policy-target.js';

/** Every list in a rule holds non-empty strings: an empty one would match nothing or everything. */
const value = z.string().min(1, 'empty value not allowed');

/** A list whose items each pass `check`; the issue points at the offending item. */
function checkedList(check: (v: string) => string | undefined, item: z.ZodString = value) {
  return z.array(item).superRefine((items, ctx) => {
    items.forEach((v, i) => {
      const problem = check(v);
      if (problem) ctx.addIssue({ code: 'custom', path: [i], message: problem });
    });
  });
}

const ipList = checkedList(ipProblem);
const trustDomainList = checkedList(trustDomainProblem);
const serviceAccountList = checkedList(serviceAccountProblem).max(16, 'at most 16 service accounts');
const pathList = checkedList(pathTemplateProblem);
// Written as numbers in YAML they would arrive as numbers; Istio's CRD wants strings.
const portList = checkedList(portProblem, z.string({
  error: (iss) => (typeof iss.input === 'number' ? `ports are strings in AuthorizationPolicy: write "${iss.input}"` : undefined),
}).min(1, 'empty value not allowed'));

const SOURCE_FIELDS = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'serviceAccounts', 'notServiceAccounts', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks',
  'trustDomains', 'notTrustDomains',
] as const;

export const sourceSchema = strictObject({
  principals: z.array(value).optional(),
  notPrincipals: z.array(value).optional(),
  requestPrincipals: z.array(value).optional(),
  notRequestPrincipals: z.array(value).optional(),
  namespaces: z.array(value).optional(),
  notNamespaces: z.array(value).optional(),
  serviceAccounts: serviceAccountList.optional(),
  notServiceAccounts: serviceAccountList.optional(),
  ipBlocks: ipList.optional(),
  notIpBlocks: ipList.optional(),
  remoteIpBlocks: ipList.optional(),
  notRemoteIpBlocks: ipList.optional(),
  trustDomains: trustDomainList.optional(),
  notTrustDomains: trustDomainList.optional(),
}).superRefine((src, ctx) => {
  if (SOURCE_FIELDS.every((f) => !src[f]?.length)) {
    ctx.addIssue({ code: 'custom', message: `source must not be empty: set at least one of ${SOURCE_FIELDS.join(', ')}` });
  }
  const identity = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'] as const;
  const accounts = (['serviceAccounts', 'notServiceAccounts'] as const).find((f) => src[f]?.length);
  if (accounts && identity.some((f) => src[f]?.length)) {
    ctx.addIssue({ code: 'custom', path: [accounts], message: 'cannot set serviceAccounts with namespaces or principals' });
  }
});
export type Source = z.infer<typeof sourceSchema>;

const OPERATION_FIELDS = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;

export const operationSchema = strictObject({
  hosts: z.array(value).optional(),
  notHosts: z.array(value).optional(),
  ports: portList.optional(),
  notPorts: portList.optional(),
  methods: z.array(value).optional(),
  notMethods: z.array(value).optional(),
  paths: pathList.optional(),
  notPaths: pathList.optional(),
}).superRefine((op, ctx) => {
  if (OPERATION_FIELDS.every((f) => !op[f]?.length)) {
    ctx.addIssue({ code: 'custom', message: `operation must not be empty: set at least one of ${OPERATION_FIELDS.join(', ')}` });
  }
});
export type Operation = z.infer<typeof operationSchema>;

export const conditionSchema = strictObject({
  key: z.string().min(1, 'key must not be empty'),
  values: z.array(value).optional(),
  notValues: z.array(value).optional(),
}).superRefine((cond, ctx) => {
  const keyProblem = conditionKeyProblem(cond.key);
  if (keyProblem) {
    ctx.addIssue({ code: 'custom', path: ['key'], message: keyProblem });
    return;
  }
  if (!cond.values?.length && !cond.notValues?.length) {
    ctx.addIssue({ code: 'custom', message: `at least one of values or notValues must be set for key ${cond.key}` });
    return;
  }
  const check = conditionValueCheck(cond.key);
  if (!check) return;
  for (const field of ['values', 'notValues'] as const) {
    cond[field]?.forEach((v, i) => {
      const problem = check(v);
      if (problem) ctx.addIssue({ code: 'custom', path: [field, i], message: problem });
    });
  }
});
export type Condition = z.infer<typeof conditionSchema>;

export const ruleSchema = strictObject({
  from: z.array(strictObject({ source: sourceSchema })).min(1, 'from must not be empty: omit it to match any source').optional(),
  to: z.array(strictObject({ operation: operationSchema })).min(1, 'to must not be empty: omit it to match any operation').optional(),
  when: z.array(conditionSchema).optional(),
});
export type Rule = z.infer<typeof ruleSchema>;

export const AUTHORIZATION_ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] as const;
export type AuthorizationAction = (typeof AUTHORIZATION_ACTIONS)[number];

export const authorizationPolicySpec = strictObject({
  ...policyTargetFields,
  rules: z.array(ruleSchema).max(512, 'at most 512 rules').optional(),
  action: oneOf(AUTHORIZATION_ACTIONS).optional(),
  provider: strictObject({ name: z.string().optional() }).optional(),
}).superRefine((spec, ctx) => {
  checkSingleTarget(spec, ctx);
  const action = spec.action ?? 'ALLOW';
  if (action === 'CUSTOM') checkCustomAction(spec, ctx);
  else if (spec.provider !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['provider'], message: `provider is only allowed with the CUSTOM action, found ${action}` });
  }
  if (action === 'DENY' && spec.rules === undefined) {
    ctx.addIssue({ code: 'custom', path: ['rules'], message: 'DENY action without rules is meaningless as it will never be triggered; add an empty rule {} to trigger it for every request' });
  }
});
export type AuthorizationPolicySpec = z.infer<typeof authorizationPolicySpec>;

/** The CUSTOM action delegates to an external authorizer, which sees no peer or JWT identity. */
function checkCustomAction(spec: AuthorizationPolicySpec, ctx: z.RefinementCtx): void {
  if (spec.rules === undefined) {
    ctx.addIssue({ code: 'custom', path: ['rules'], message: 'CUSTOM action without rules is meaningless as it will never be triggered; add an empty rule {} to trigger it for every request' });
  } else if (!spec.provider?.name) {
    ctx.addIssue({ code: 'custom', path: spec.provider ? ['provider', 'name'] : ['provider'], message: 'provider.name is required with the CUSTOM action' });
  }
  const identityFields = ['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
    'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains'] as const;
  spec.rules?.forEach((rule, r) => {
    rule.from?.forEach((from, f) => {
      for (const field of identityFields) {
        if (from.source[field]?.length) {
          ctx.addIssue({ code: 'custom', path: ['rules', r, 'from', f, 'source', field], message: `${field} is currently not supported with the CUSTOM action` });
        }
      }
    });
    rule.when?.forEach((cond, w) => {
      if (customActionUnsupportedKey(cond.key)) {
        ctx.addIssue({ code: 'custom', path: ['rules', r, 'when', w, 'key'], message: `${cond.key} is currently not supported with the CUSTOM action` });
      }
    });
  });
}

export const authorizationPolicy = strictObject({ spec: authorizationPolicySpec, status: z.unknown().optional() });
