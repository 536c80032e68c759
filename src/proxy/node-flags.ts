// The V8 settings a proxy process runs with: `node ${PROXY_NODE_FLAGS} …`. The runtime launches
// `skiff proxy` with them (runtime/proxy-launch.ts) and the benchmark starts its proxies the same
// way (bench/targets/skiff.mjs); they cannot be applied from inside a running process.
//
// --max-semi-space-size=4: V8 lets the young generation grow to 3 × 16 MB under load, which a
// proxy fills with short-lived request garbage and keeps resident. Capped at 4 MB the RSS of a
// loaded sidecar drops ~13 MB at no measurable CPU cost; 1-2 MB saves a few MB more but scavenges
// so often that CPU per request rises 10-30% (measured side by side under the same load).
// --optimize-for-size sets the same cap to 1 MB, with the same cost.
//
// --no-concurrent-recompilation: TurboFan then compiles on the main thread instead of V8's worker
// threads. Its compilation zones are malloc'd, and each worker thread gets its own glibc arena,
// which keeps the freed memory: compiling 1,000 services' config alone left ~8 MB resident in
// four such arenas, and a loaded one-service sidecar ~4 MB. CPU per request was the same within
// noise (interleaved 1,000 rps slices: 0.235 vs 0.238 ms of CPU per request); the compile pauses
// are paid once while the proxy warms up. Rejected, for costing CPU in the same comparison:
// --single-threaded (also moves GC marking to the main thread; +17%) and --v8-pool-size=1 (+8%).

export const PROXY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--no-concurrent-recompilation'];
