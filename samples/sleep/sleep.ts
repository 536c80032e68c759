// The `sleep` sample (curlimages/curl running `sleep`): a pod that does nothing but stay up, so
// users can `skiff exec deploy/sleep -- curl …` from inside the mesh.
const keepAlive = setInterval(() => undefined, 1 << 30);
const stop = () => {
  clearInterval(keepAlive);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log('sleep: waiting');
