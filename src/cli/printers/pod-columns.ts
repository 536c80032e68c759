// The READY, STATUS and RESTARTS cells of `skiff get pods`, computed as kubectl's pod printer does
// (kubernetes pkg/printers/internalversion printPod): ready/total containers, the phase overridden
// by a container's waiting or terminated reason, restarts summed with the time of the last one.
import type { Resource } from '../../config/resource.js';
import { age } from './age.js';

type Obj = Record<string, any>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const statusOf = (o: Resource): Obj => (isObj(o.status) ? o.status : {});

function containerStatuses(o: Resource): Obj[] {
  const s = statusOf(o).containerStatuses;
  return Array.isArray(s) ? s.filter(isObj) : [];
}

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

export function podSummary(o: Resource, now: number): PodSummary {
  const st = statusOf(o);
  const spec = isObj(o.spec) ? o.spec : {};
  const total = Array.isArray(spec.containers) ? spec.containers.length : 0;
  // A pod the kubelet has not reported on yet is Pending, as the API server defaults its phase.
  let reason = String(st.reason || st.phase || 'Pending');
  let restarts = 0;
  let readyContainers = 0;
  let lastRestart = 0;
  let hasRunning = false;
  // kubectl walks the statuses from the last, so the first container's reason wins.
  for (const c of [...containerStatuses(o)].reverse()) {
    if (typeof c.restartCount === 'number') restarts += c.restartCount;
    const finished = Date.parse(String(c.lastState?.terminated?.finishedAt ?? ''));
    if (!Number.isNaN(finished) && finished > lastRestart) lastRestart = finished;
    const state = isObj(c.state) ? c.state : {};
    const terminated = isObj(state.terminated) ? state.terminated : undefined;
    if (state.waiting?.reason) reason = String(state.waiting.reason);
    else if (terminated?.reason) reason = String(terminated.reason);
    else if (terminated && (typeof terminated.signal === 'number' || typeof terminated.exitCode === 'number')) {
      reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
    } else if (c.ready === true && isObj(state.running)) {
      hasRunning = true;
      readyContainers++;
    }
  }
  if (reason === 'Completed' && hasRunning) {
    const conditions = Array.isArray(st.conditions) ? (st.conditions as Obj[]) : [];
    reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }
  if (o.metadata.deletionTimestamp && st.phase !== 'Succeeded' && st.phase !== 'Failed') reason = 'Terminating';
  const restartsText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${age(new Date(lastRestart).toISOString(), now)} ago)` : String(restarts);
  return { ready: `${readyContainers}/${total}`, status: reason, restarts: restartsText };
}
