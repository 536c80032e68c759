// Maps the well-known sample images to Skiff's built-in TypeScript implementations, so Istio's own
// bookinfo.yaml runs unchanged. Any tag matches. Other images run their command/args as local
// processes.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BuiltinImage {
  /** Absolute path of the entry point, run with this Node. */
  entry: string;
  /** Node flags the entry needs: none when compiled, the tsx loader when running from source. */
  nodeArgs: string[];
  /** Environment the image sets, before the container's own `env`. */
  env: Record<string, string>;
  /** What the image is, for logs and `describe`. */
  description: string;
}

const BOOKINFO = /^(?:docker\.io\/)?istio\/examples-bookinfo-(productpage|details|reviews|ratings)-(v\d[\w-]*)$/;

/**
 * The sample's entry point beside this file's tree: compiled, dist/src/runtime → dist/samples/….js;
 * from source (tsx, `npm run dev`), src/runtime → samples/….ts run through the tsx loader.
 */
function sample(path: string): { entry: string; nodeArgs: string[] } {
  const js = fileURLToPath(new URL(`../../samples/${path}.js`, import.meta.url));
  if (existsSync(js)) return { entry: js, nodeArgs: [] };
  const ts = fileURLToPath(new URL(`../../samples/${path}.ts`, import.meta.url));
  if (existsSync(ts)) return { entry: ts, nodeArgs: ['--import', 'tsx'] };
  return { entry: js, nodeArgs: [] };
}

/** The image name without its tag or digest: `docker.io/istio/examples-bookinfo-reviews-v2`. */
export function imageName(image: string): string {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export function resolveImage(image: string): BuiltinImage | undefined {
  const name = imageName(image);
  const bookinfo = BOOKINFO.exec(name);
  if (bookinfo) {
    const [, app, version] = bookinfo;
    // Istio ships mysql/mongodb/vm variants of ratings; the built-in ratings serves all of them.
    const serviceVersion = app === 'ratings' ? 'v1' : version!;
    return { ...sample(`bookinfo/src/${app}`), env: { SERVICE_VERSION: serviceVersion }, description: `Bookinfo ${app} ${version}` };
  }
  if (/^(?:docker\.io\/)?(?:curlimages\/curl|istio\/sleep|governmentpaas\/curl-ssl)$/.test(name)) {
    return { ...sample('sleep/sleep'), env: {}, description: 'sleep (curl client)' };
  }
  // The getting-started tutorial's app; the customers image's major tag is its version.
  if (/^gcr\.io\/tetratelabs\/web-frontend$/.test(name)) {
    return { ...sample('customers/src/web-frontend'), env: {}, description: 'customers tutorial web-frontend' };
  }
  if (/^gcr\.io\/tetratelabs\/customers$/.test(name)) {
    const major = /:(\d+)\./.exec(image)?.[1] ?? '1';
    return { ...sample('customers/src/customers'), env: { SERVICE_VERSION: `v${major}` }, description: `customers v${major}` };
  }
  if (/^(?:docker\.io\/)?fortio\/fortio$/.test(name)) {
    return { ...sample('fortio/echo-server'), env: {}, description: 'fortio server' };
  }
  return undefined;
}

/** Whether the built-in entry point exists (`npm install` compiles the samples). */
export function builtinAvailable(img: BuiltinImage): boolean {
  return existsSync(img.entry);
}
