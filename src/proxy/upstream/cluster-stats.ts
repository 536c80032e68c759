// The stats a cluster keeps (Envoy's cluster.<name>.* names), resolved once per cluster.

import type { Stat, StatsStore } from '../telemetry/stats.js';
import type { OutlierStats } from './outlier-detector.js';

export interface ClusterStats {
  rqTotal: Stat;
  rqActive: Stat;
  rqPendingTotal: Stat;
  rqPendingActive: Stat;
  rqPendingOverflow: Stat;
  rqTimeout: Stat;
  rqPerTryTimeout: Stat;
  rqRetry: Stat;
  rqRetrySuccess: Stat;
  rqRetryOverflow: Stat;
  rqRetryLimitExceeded: Stat;
  rqRxReset: Stat;
  rq1xx: Stat;
  rq2xx: Stat;
  rq3xx: Stat;
  rq4xx: Stat;
  rq5xx: Stat;
  cxTotal: Stat;
  cxActive: Stat;
  cxConnectFail: Stat;
  cxNoneHealthy: Stat;
  lbHealthyPanic: Stat;
  membershipTotal: Stat;
  membershipHealthy: Stat;
  outlier: OutlierStats;
}

export function clusterStats(store: StatsStore, statName: string): ClusterStats {
  const c = (suffix: string) => store.scoped('counter', 'cluster', 'cluster_name', statName, suffix);
  const g = (suffix: string) => store.scoped('gauge', 'cluster', 'cluster_name', statName, suffix);
  return {
    rqTotal: c('upstream_rq_total'),
    rqActive: g('upstream_rq_active'),
    rqPendingTotal: c('upstream_rq_pending_total'),
    rqPendingActive: g('upstream_rq_pending_active'),
    rqPendingOverflow: c('upstream_rq_pending_overflow'),
    rqTimeout: c('upstream_rq_timeout'),
    rqPerTryTimeout: c('upstream_rq_per_try_timeout'),
    rqRetry: c('upstream_rq_retry'),
    rqRetrySuccess: c('upstream_rq_retry_success'),
    rqRetryOverflow: c('upstream_rq_retry_overflow'),
    rqRetryLimitExceeded: c('upstream_rq_retry_limit_exceeded'),
    rqRxReset: c('upstream_rq_rx_reset'),
    rq1xx: c('upstream_rq_1xx'),
    rq2xx: c('upstream_rq_2xx'),
    rq3xx: c('upstream_rq_3xx'),
    rq4xx: c('upstream_rq_4xx'),
    rq5xx: c('upstream_rq_5xx'),
    cxTotal: c('upstream_cx_total'),
    cxActive: g('upstream_cx_active'),
    cxConnectFail: c('upstream_cx_connect_fail'),
    cxNoneHealthy: c('upstream_cx_none_healthy'),
    lbHealthyPanic: c('lb_healthy_panic'),
    membershipTotal: g('membership_total'),
    membershipHealthy: g('membership_healthy'),
    outlier: {
      ejectionsActive: g('outlier_detection.ejections_active'),
      ejectionsTotal: c('outlier_detection.ejections_enforced_total'),
      ejectionsConsecutive5xx: c('outlier_detection.ejections_enforced_consecutive_5xx'),
      ejectionsGatewayFailure: c('outlier_detection.ejections_enforced_consecutive_gateway_failure'),
      ejectionsLocalOrigin: c('outlier_detection.ejections_enforced_consecutive_local_origin_failure'),
      ejectionsSuccessRate: c('outlier_detection.ejections_enforced_success_rate'),
      ejectionsFailurePercentage: c('outlier_detection.ejections_enforced_failure_percentage'),
      ejectionsOverflow: c('outlier_detection.ejections_overflow'),
    },
  };
}

export function countStatus(stats: ClusterStats, status: number): void {
  if (status < 200) stats.rq1xx.value++;
  else if (status < 300) stats.rq2xx.value++;
  else if (status < 400) stats.rq3xx.value++;
  else if (status < 500) stats.rq4xx.value++;
  else stats.rq5xx.value++;
}
