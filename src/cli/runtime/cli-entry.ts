// `skiff` as a process of its own: what `skiff exec POD -- skiff …` runs, so the command inside the
// pod is this same CLI, compiled (dist/) or from source (tsx).
import { main } from '../main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
