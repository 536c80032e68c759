// RequestAuthentication (security.istio.io v1/v1beta1): which JWTs a workload accepts and where it
// finds them. Rules from istio/api request_authentication.proto, its CRD and istiod's
// validateJwtRule.
import { z } from 'zod';
import { oneOf, positiveDuration, strictObject } from '../common.js';
import { checkSingleTarget, policyTargetFields } from './policy-target.js';

const nonEmpty = (what: string) => z.string().min(1, `${what} must not be empty`);

function jwksUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `invalid URL "${uri}"`;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : `url must have scheme http:// or https://, got "${url.protocol.replace(/:$/, '')}"`;
}

const jwksUri = z.string().min(1, 'jwksUri must not be empty').max(2048, 'jwksUri is at most 2048 characters')
  .superRefine((uri, ctx) => {
    const problem = jwksUriProblem(uri);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Inline JWKS: a JSON key set (`{"keys": [...]}`) or a single JSON Web Key. */
function jwksProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return `jwks parse error: ${(e as Error).message}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'jwks parse error: expected a JSON object';
  const set = parsed as { keys?: unknown; kty?: unknown };
  const keys = set.keys !== undefined ? set.keys : [set];
  if (!Array.isArray(keys)) return 'jwks parse error: "keys" must be a list of keys';
  const bad = keys.findIndex((k) => typeof k !== 'object' || k === null || typeof (k as { kty?: unknown }).kty !== 'string');
  return bad < 0 ? undefined : `jwks parse error: key ${bad} has no "kty"`;
}

export const jwtHeaderSchema = strictObject({
  name: nonEmpty('header name'),
  prefix: z.string().optional(),
});
export type JWTHeader = z.infer<typeof jwtHeaderSchema>;

export const claimToHeaderSchema = strictObject({
  header: z.string().min(1, 'header must not be empty').regex(/^[-_A-Za-z0-9]+$/, 'header must be a header name of letters, digits, "-" or "_"'),
  claim: nonEmpty('claim'),
});
export type ClaimToHeader = z.infer<typeof claimToHeaderSchema>;

export const jwtRuleSchema = strictObject({
  // Istio would take a jwksUri alone; Skiff requires the issuer so every rule names whom it trusts.
  issuer: nonEmpty('issuer'),
  audiences: z.array(nonEmpty('audience')).optional(),
  jwksUri: jwksUri.optional(),
  /** The CRD also accepts the proto field name; consumers read `jwksUri ?? jwks_uri`. */
  jwks_uri: jwksUri.optional(),
  jwks: z.string().superRefine((text, ctx) => {
    const problem = jwksProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).optional(),
  fromHeaders: z.array(jwtHeaderSchema).optional(),
  fromParams: z.array(nonEmpty('query parameter name')).optional(),
  fromCookies: z.array(nonEmpty('cookie name')).optional(),
  outputPayloadToHeader: z.string().optional(),
  forwardOriginalToken: z.boolean().optional(),
  outputClaimToHeaders: z.array(claimToHeaderSchema).optional(),
  timeout: positiveDuration.optional(),
  spaceDelimitedClaims: z.array(nonEmpty('claim')).max(64, 'at most 64 spaceDelimitedClaims').optional(),
  presence: oneOf(['OPTIONAL', 'REQUIRED']).optional(),
}).superRefine((rule, ctx) => {
  const keySources = (['jwksUri', 'jwks_uri', 'jwks'] as const).filter((k) => rule[k] !== undefined);
  if (keySources.length > 1) {
    ctx.addIssue({ code: 'custom', path: [keySources[1]!], message: `only one of jwks or jwksUri can be set (found ${keySources.join(' and ')})` });
  }
});
export type JWTRule = z.infer<typeof jwtRuleSchema>;

export const requestAuthenticationSpec = strictObject({
  ...policyTargetFields,
  jwtRules: z.array(jwtRuleSchema).max(4096, 'at most 4096 jwtRules').optional(),
}).superRefine(checkSingleTarget);
export type RequestAuthenticationSpec = z.infer<typeof requestAuthenticationSpec>;

export const requestAuthentication = strictObject({ spec: requestAuthenticationSpec, status: z.unknown().optional() });
