// Reads what `-f` names for apply/create/replace/delete: loads, validates each document locally
// (kubectl's client-side validation), settles each object's namespace, and reports every problem
// with file:line. Valid documents go ahead even when others in the same file fail, as kubectl does.
import { formatConfigError, type ConfigError, type Result } from '../config/errors.js';
import type { KindInfo } from '../config/kinds.js';
import { loadPaths } from '../config/load-files.js';
import { splitApiVersion, type Resource } from '../config/resource.js';
import { validateLoaded } from '../config/validate.js';
import type { LoadedResource } from '../config/yaml-loader.js';
import { cliError } from './cli-error.js';
import type { CommandContext } from './context.js';
import { kindOfResource } from './resource-ref.js';

export interface Manifest {
  resource: Resource;
  info: KindInfo;
  /** The API version the file was written in; requests use it. */
  version: string;
  /** The namespace the object lives in; undefined for cluster-scoped kinds. */
  namespace?: string;
  file?: string;
}

export interface ManifestSet {
  manifests: Manifest[];
  /** Whether any document failed to load or validate (the command exits 1 after applying the rest). */
  failed: boolean;
}

export interface ReadOptions {
  recursive: boolean;
  verb: string;
  /**
   * `identity` checks only what names an object (apiVersion, kind, name), for delete: a document
   * whose spec has since become invalid can still be deleted by the file that created it.
   */
  check?: 'full' | 'identity';
}

export async function readManifests(ctx: CommandContext, files: readonly string[], opts: ReadOptions): Promise<ManifestSet> {
  if (files.length === 0) throw cliError('must specify -f FILE (a file, a directory, or - for standard input)');
  const { resources, errors } = await loadPaths(files, { recursive: opts.recursive, stdin: () => ctx.io.readStdin() });
  let failed = errors.length > 0;
  for (const e of errors) ctx.io.stderr.write(loadErrorLine(e));
  const manifests: Manifest[] = [];
  for (const loaded of resources) {
    const valid = opts.check === 'identity' ? identityOf(loaded) : validateLoaded(loaded);
    if (!valid.ok) {
      failed = true;
      for (const e of valid.errors) ctx.io.stderr.write(`error: error validating "${loaded.file ?? 'STDIN'}": ${formatConfigError(e)}\n`);
      continue;
    }
    const resource = structuredClone(valid.value);
    const info = kindOfResource(resource);
    if (!info) continue; // validation has already rejected unknown kinds
    let namespace: string | undefined;
    if (info.namespaced) {
      const own = resource.metadata.namespace;
      if (own !== undefined && ctx.namespaceExplicit && own !== ctx.namespace) {
        failed = true;
        ctx.io.stderr.write(`error: the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation.\n`);
        continue;
      }
      namespace = own ?? ctx.namespace;
      resource.metadata.namespace = namespace;
    }
    manifests.push({ resource, info, version: splitApiVersion(resource.apiVersion).version, namespace, file: loaded.file });
  }
  if (manifests.length === 0 && !failed) throw cliError(`no objects passed to ${opts.verb}`);
  return { manifests, failed };
}

function identityOf(loaded: LoadedResource): Result<Resource> {
  const full = validateLoaded(loaded);
  if (full.ok) return full;
  const identity = full.errors.filter((e) => e.path === '' || e.path === 'apiVersion' || e.path === 'kind' || e.path.startsWith('metadata'));
  return identity.length > 0 ? { ok: false, errors: identity } : { ok: true, value: loaded.resource };
}

function loadErrorLine(e: ConfigError): string {
  if (e.message === 'no such file or directory' && e.line === undefined && e.file) return `error: the path "${e.file}" does not exist\n`;
  return `error: error parsing "${e.file ?? 'STDIN'}": ${formatConfigError(e)}\n`;
}

/** Namespaces first, so a file that creates a namespace and its contents applies in one pass. */
export function creationOrder(manifests: readonly Manifest[]): Manifest[] {
  return [...manifests.filter(isNamespace), ...manifests.filter((m) => !isNamespace(m))];
}

/** The reverse concern for delete: contents before the namespace that holds them. */
export function deletionOrder(manifests: readonly Manifest[]): Manifest[] {
  return [...manifests.filter((m) => !isNamespace(m)), ...manifests.filter(isNamespace)];
}

function isNamespace(m: Manifest): boolean {
  return m.info.group === '' && m.info.kind === 'Namespace';
}
