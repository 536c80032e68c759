// The V8 settings a proxy process runs with: `node ${PROXY_NODE_FLAGS} …`. The runtime launches
// `skiff proxy` with them (runtime/proxy-launch.ts) and the benchmark starts its proxies the same
// way (bench/targets/skiff.mjs); they cannot be applied from inside a running process.
//
// --max-semi-space-size=4: V8 lets the young generation grow to 3 × 16 MB under load, which a
// proxy fills with short-lived request garbage and keeps resident. Capped at 4 MB the RSS of a
// loaded sidecar drops ~13 MB at no measurable CPU cost; 1-2 MB saves a few MB more but scavenges
// so often that CPU per request rises 10-30% (measured side by side under the same load).

export const PROXY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
