// Deployment (apps/v1) with Kubernetes' validation rules: a non-empty selector that matches the
// template's labels, a pod template the runtime can start, and a consistent rollout strategy.
import { z } from 'zod';
import { oneOf, strictObject } from '../common.js';
import { intOrPercent, labelSelectorMatches, labelSelectorSchema, templateMetadataSchema } from './meta.js';
import { podSpecSchema } from './pod.js';

export const podTemplateSpecSchema = strictObject({
  metadata: templateMetadataSchema.optional(),
  spec: podSpecSchema,
});
export type PodTemplateSpec = z.infer<typeof podTemplateSpecSchema>;

export const deploymentStrategySchema = strictObject({
  type: oneOf(['RollingUpdate', 'Recreate']).optional(),
  rollingUpdate: strictObject({ maxSurge: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() }).optional(),
}).superRefine((s, ctx) => {
  if (s.type === 'Recreate' && s.rollingUpdate !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['rollingUpdate'], message: 'may not be specified when strategy type is Recreate' });
  }
  const isZero = (v: number | string | undefined) => v === 0 || v === '0%';
  if (s.rollingUpdate && isZero(s.rollingUpdate.maxSurge) && isZero(s.rollingUpdate.maxUnavailable)) {
    ctx.addIssue({ code: 'custom', path: ['rollingUpdate', 'maxUnavailable'], message: 'may not be 0 when maxSurge is 0' });
  }
});
export type DeploymentStrategy = z.infer<typeof deploymentStrategySchema>;

const nonNegativeInt = (field: string) => z.number().int(`${field} must be a whole number`).min(0, `${field} must be 0 or more`);

export const deploymentSpecSchema = strictObject({
  replicas: nonNegativeInt('replicas').optional(),
  selector: labelSelectorSchema,
  template: podTemplateSpecSchema,
  strategy: deploymentStrategySchema.optional(),
  minReadySeconds: nonNegativeInt('minReadySeconds').optional(),
  revisionHistoryLimit: nonNegativeInt('revisionHistoryLimit').optional(),
  progressDeadlineSeconds: nonNegativeInt('progressDeadlineSeconds').optional(),
  paused: z.boolean().optional(),
}).superRefine((spec, ctx) => {
  const sel = spec.selector;
  if (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions?.length ?? 0) === 0) {
    ctx.addIssue({ code: 'custom', path: ['selector'], message: 'empty selector is invalid for a Deployment: set selector.matchLabels' });
  } else if (!labelSelectorMatches(sel, spec.template.metadata?.labels ?? {})) {
    ctx.addIssue({ code: 'custom', path: ['template', 'metadata', 'labels'], message: 'selector does not match template labels' });
  }
  const restart = spec.template.spec.restartPolicy;
  if (restart !== undefined && restart !== 'Always') {
    ctx.addIssue({ code: 'custom', path: ['template', 'spec', 'restartPolicy'], message: `a Deployment's pods must have restartPolicy Always, got ${restart}` });
  }
  if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
    ctx.addIssue({ code: 'custom', path: ['progressDeadlineSeconds'], message: 'must be greater than minReadySeconds' });
  }
});
export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;

export const deployment = strictObject({ spec: deploymentSpecSchema, status: z.unknown().optional() });
