// SKIFF0001 NotEnforced: kinds Skiff accepts and stores but does not act on yet (`enforced: false`
// in kinds.ts). Applying one changes nothing, and the user should hear so.
import { kindInfo } from '../kinds.js';
import type { Analyzer } from './context.js';
import { NotEnforced } from './messages.js';

export const notEnforcedAnalyzer: Analyzer = {
  name: 'skiff.NotEnforcedAnalyzer',
  analyze(ctx) {
    for (const e of ctx.entries) {
      const info = kindInfo(e.group, e.kind);
      if (!info || info.enforced) continue;
      // The group tells Istio's Gateway from the Kubernetes Gateway API's.
      ctx.report(e, NotEnforced, [`${info.kind} (${info.group})`], ['kind']);
    }
  },
};
