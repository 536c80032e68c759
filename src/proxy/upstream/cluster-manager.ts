// All upstream clusters of the proxy. Applying a snapshot creates, updates or closes clusters and
// hands EDS clusters their endpoints; unchanged resources (same compiled object) are skipped, so
// a push that only touches one cluster leaves the others' pools and outlier state alone.

import type { Cluster } from '../config/cluster.js';
import type { LoadAssignment } from '../config/load-assignment.js';
import type { ProxySnapshot } from '../config/snapshot.js';
import type { StatsStore } from '../telemetry/stats.js';
import { UpstreamCluster } from './upstream-cluster.js';

interface Applied {
  cluster: UpstreamCluster;
  config: Cluster;
  assignment: LoadAssignment | undefined;
}

export class ClusterManager {
  private readonly clusters = new Map<string, Applied>();

  constructor(private readonly store: StatsStore) {}

  get(name: string): UpstreamCluster | undefined {
    return this.clusters.get(name)?.cluster;
  }

  all(): UpstreamCluster[] {
    return [...this.clusters.values()].map((a) => a.cluster);
  }

  apply(snapshot: ProxySnapshot): void {
    const seen = new Set<string>();
    for (const [name, entry] of snapshot.clusters) {
      seen.add(name);
      const config = entry.value;
      const assignment = config.type === 'EDS' ? snapshot.endpoints.get(config.edsServiceName)?.value : undefined;
      const existing = this.clusters.get(name);
      if (!existing) {
        const cluster = new UpstreamCluster(config, this.store);
        cluster.setSecrets(snapshot.secrets);
        if (assignment) cluster.setLoadAssignment(assignment);
        this.clusters.set(name, { cluster, config, assignment });
        continue;
      }
      if (existing.config !== config) {
        existing.cluster.updateConfig(config);
        existing.config = config;
      }
      if (assignment && assignment !== existing.assignment) {
        existing.cluster.setLoadAssignment(assignment);
        existing.assignment = assignment;
      }
    }
    for (const applied of this.clusters.values()) applied.cluster.setSecrets(snapshot.secrets);
    for (const [name, applied] of this.clusters) {
      if (!seen.has(name)) {
        applied.cluster.close();
        this.clusters.delete(name);
      }
    }
  }

  async destroy(): Promise<void> {
    await Promise.all(this.all().map((c) => c.destroy()));
    this.clusters.clear();
  }
}
