// Maps the well-known sample images to Skiff's built-in TypeScript implementations, so Istio's own
// bookinfo.yaml runs unchanged. Any tag matches. Other images run their command/args as local
// processes.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BuiltinImage {
  /** Absolute path of the compiled entry point, run with this Node. */
  entry: string;
  /** Environment the image sets, before the container's own `env`. */
  env: Record<string, string>;
  /** What the image is, for logs and `describe`. */
  description: string;
}

const BOOKINFO = /^(?:docker\.io\/)?istio\/examples-bookinfo-(productpage|details|reviews|ratings)-(v\d[\w-]*)$/;

function sample(path: string): string {
  // Compiled layout: dist/src/runtime/image-catalog.js → dist/samples/…
  return fileURLToPath(new URL(`../../samples/${path}`, import.meta.url));
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
    return { entry: sample(`bookinfo/src/${app}.js`), env: { SERVICE_VERSION: serviceVersion }, description: `Bookinfo ${app} ${version}` };
  }
  if (/^(?:docker\.io\/)?(?:curlimages\/curl|istio\/sleep|governmentpaas\/curl-ssl)$/.test(name)) {
    return { entry: sample('sleep/sleep.js'), env: {}, description: 'sleep (curl client)' };
  }
  if (/^(?:docker\.io\/)?fortio\/fortio$/.test(name)) {
    return { entry: sample('fortio/echo-server.js'), env: {}, description: 'fortio server' };
  }
  return undefined;
}

/** Whether the built-in entry point exists (the samples are compiled by `npm install`). */
export function builtinAvailable(img: BuiltinImage): boolean {
  return existsSync(img.entry);
}
