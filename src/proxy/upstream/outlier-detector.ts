// Passive outlier detection (Envoy's DetectorImpl): consecutive 5xx, consecutive gateway failures,
// consecutive local-origin failures, success rate and failure percentage. An ejected host leaves
// the load balancer for base_ejection_time × its ejection count (capped by max_ejection_time) and
// returns on the first interval tick after that.

import type { OutlierDetectionConfig } from '../config/outlier-detection.js';
import type { Stat } from '../telemetry/stats.js';
import type { Host } from './host.js';

export type LocalOriginFailure = 'connect-failure' | 'timeout' | 'reset';

export interface OutlierDetectorTarget {
  hosts(): readonly Host[];
  /** Called after hosts were ejected or returned, so the cluster rebuilds its balancers. */
  onHostHealthChanged(): void;
}

export interface OutlierStats {
  ejectionsActive: Stat;
  ejectionsTotal: Stat;
  ejectionsConsecutive5xx: Stat;
  ejectionsGatewayFailure: Stat;
  ejectionsLocalOrigin: Stat;
  ejectionsSuccessRate: Stat;
  ejectionsFailurePercentage: Stat;
  ejectionsOverflow: Stat;
}

type EjectionType = 'consecutive_5xx' | 'gateway_failure' | 'local_origin' | 'success_rate' | 'failure_percentage';

export class OutlierDetector {
  private timer: NodeJS.Timeout | undefined;
  /** Injectable for tests: milliseconds now, and a [0, 100) roll for enforcing_* percentages. */
  now: () => number = Date.now;
  roll: () => number = () => Math.random() * 100;

  constructor(
    private config: OutlierDetectionConfig,
    private readonly target: OutlierDetectorTarget,
    private readonly stats: OutlierStats,
    startTimer = true,
  ) {
    if (startTimer) this.startTimer();
  }

  updateConfig(config: OutlierDetectionConfig): void {
    const intervalChanged = config.intervalMs !== this.config.intervalMs;
    this.config = config;
    if (intervalChanged && this.timer) {
      this.stop();
      this.startTimer();
    }
  }

  private startTimer(): void {
    this.timer = setInterval(() => this.onInterval(), this.config.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** An HTTP response from the host (its own status code). */
  reportStatus(host: Host, status: number): void {
    if (status >= 500) host.intervalFailures++;
    else host.intervalSuccesses++;
    this.countStatus(host, status);
  }

  /** A failure that happened on our side of the connection: refused, timed out, reset. */
  reportLocalOriginFailure(host: Host, kind: LocalOriginFailure): void {
    host.intervalFailures++;
    if (this.config.splitExternalLocalOriginErrors) {
      host.consecutiveLocalOriginFailure++;
      if (host.consecutiveLocalOriginFailure >= this.config.consecutiveLocalOriginFailure) {
        this.maybeEject(host, 'local_origin', this.config.enforcingConsecutiveLocalOriginFailure);
      }
      return;
    }
    // Without the split, local failures count as the 5xx a client would have seen.
    this.countStatus(host, kind === 'timeout' ? 504 : 503);
  }

  /** A connection to the host succeeded (resets the local-origin streak when errors are split). */
  reportLocalOriginSuccess(host: Host): void {
    if (this.config.splitExternalLocalOriginErrors) host.consecutiveLocalOriginFailure = 0;
  }

  private countStatus(host: Host, status: number): void {
    if (status >= 500) {
      host.consecutive5xx++;
      if (status === 502 || status === 503 || status === 504) host.consecutiveGatewayFailure++;
      else host.consecutiveGatewayFailure = 0;
      if (this.config.consecutiveGatewayFailure > 0 && host.consecutiveGatewayFailure >= this.config.consecutiveGatewayFailure) {
        this.maybeEject(host, 'gateway_failure', this.config.enforcingConsecutiveGatewayFailure);
      }
      if (this.config.consecutive5xx > 0 && host.consecutive5xx >= this.config.consecutive5xx) {
        this.maybeEject(host, 'consecutive_5xx', this.config.enforcingConsecutive5xx);
      }
    } else {
      host.consecutive5xx = 0;
      host.consecutiveGatewayFailure = 0;
    }
  }

  private maybeEject(host: Host, type: EjectionType, enforcingPercent: number): boolean {
    if (host.ejected) return false;
    if (enforcingPercent <= 0 || this.roll() >= enforcingPercent) return false;
    const hosts = this.target.hosts();
    const active = hosts.reduce((n, h) => n + (h.ejected ? 1 : 0), 0);
    const percentAfter = (100 * (active + 1)) / hosts.length;
    if (percentAfter > this.config.maxEjectionPercent && !(this.config.alwaysEjectOneHost && active === 0)) {
      this.stats.ejectionsOverflow.value++;
      return false;
    }
    host.ejected = true;
    host.ejectionCount++;
    const duration = Math.min(this.config.baseEjectionTimeMs * host.ejectionCount, Math.max(this.config.maxEjectionTimeMs, this.config.baseEjectionTimeMs));
    host.ejectedUntil = this.now() + duration;
    host.consecutive5xx = 0;
    host.consecutiveGatewayFailure = 0;
    host.consecutiveLocalOriginFailure = 0;
    this.stats.ejectionsActive.value++;
    this.stats.ejectionsTotal.value++;
    const perType = {
      consecutive_5xx: this.stats.ejectionsConsecutive5xx,
      gateway_failure: this.stats.ejectionsGatewayFailure,
      local_origin: this.stats.ejectionsLocalOrigin,
      success_rate: this.stats.ejectionsSuccessRate,
      failure_percentage: this.stats.ejectionsFailurePercentage,
    }[type];
    perType.value++;
    this.target.onHostHealthChanged();
    return true;
  }

  /** One interval tick: return hosts whose time is up, then run the statistical detectors. */
  onInterval(): void {
    const now = this.now();
    const hosts = this.target.hosts();
    let changed = false;
    for (const h of hosts) {
      if (h.ejected && now >= h.ejectedUntil) {
        h.ejected = false;
        h.lastUnejectedAt = now;
        this.stats.ejectionsActive.value = Math.max(0, this.stats.ejectionsActive.value - 1);
        changed = true;
      } else if (!h.ejected && h.ejectionCount > 0 && now - h.lastUnejectedAt >= this.config.baseEjectionTimeMs) {
        // A host that stayed healthy for a whole ejection period earns back one step of backoff.
        h.ejectionCount--;
        h.lastUnejectedAt = now;
      }
    }
    if (changed) this.target.onHostHealthChanged();
    this.runSuccessRate(hosts);
    this.runFailurePercentage(hosts);
    for (const h of hosts) {
      h.intervalSuccesses = 0;
      h.intervalFailures = 0;
    }
  }

  private runSuccessRate(hosts: readonly Host[]): void {
    const c = this.config;
    if (c.enforcingSuccessRate <= 0) return;
    const eligible = hosts.filter((h) => !h.ejected && h.intervalSuccesses + h.intervalFailures >= c.successRateRequestVolume);
    if (eligible.length < c.successRateMinimumHosts || eligible.length === 0) return;
    const rates = eligible.map((h) => (100 * h.intervalSuccesses) / (h.intervalSuccesses + h.intervalFailures));
    const mean = rates.reduce((s, r) => s + r, 0) / rates.length;
    const variance = rates.reduce((s, r) => s + (r - mean) ** 2, 0) / rates.length;
    const threshold = mean - Math.sqrt(variance) * (c.successRateStdevFactor / 1000);
    eligible.forEach((h, i) => {
      if (rates[i]! < threshold) this.maybeEject(h, 'success_rate', c.enforcingSuccessRate);
    });
  }

  private runFailurePercentage(hosts: readonly Host[]): void {
    const c = this.config;
    if (c.enforcingFailurePercentage <= 0) return;
    const eligible = hosts.filter((h) => !h.ejected && h.intervalSuccesses + h.intervalFailures >= c.failurePercentageRequestVolume);
    if (eligible.length < c.failurePercentageMinimumHosts) return;
    for (const h of eligible) {
      const failure = (100 * h.intervalFailures) / (h.intervalSuccesses + h.intervalFailures);
      if (failure >= c.failurePercentageThreshold) this.maybeEject(h, 'failure_percentage', c.enforcingFailurePercentage);
    }
  }
}
