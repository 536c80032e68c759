// What every analyzer sees: the resources under analysis, each resolved to its kind, namespace and
// origin (file and line), and a way to report a message against one of them.
import { formatPath } from '../errors.js';
import { kindInfo } from '../kinds.js';
import { splitApiVersion, type Resource } from '../resource.js';
import { record, str, stringMap } from './fields.js';
import type { MessageType } from './messages.js';
import type { AnalysisInput, AnalysisMessage, AnalysisOptions } from './types.js';

export const NETWORKING = 'networking.istio.io';
export const SECURITY = 'security.istio.io';
export const GATEWAY_API = 'gateway.networking.k8s.io';
export const CORE = '';
export const APPS = 'apps';

/** Where a message points: a resource as the user wrote it. */
export interface Origin {
  /** `VirtualService default/reviews`. */
  label: string;
  /** The namespace a message about this resource belongs to (a Namespace belongs to itself). */
  scope: string;
  /** Istio sorts messages by `Kind/name/namespace` within a code. */
  sortKey: string;
  file?: string;
  positionOf?: AnalysisInput['positionOf'];
  annotations: Record<string, string>;
}

/** A resource with a kind, a name and a namespace: everything but IST0106 works on these. */
export interface Entry extends Origin {
  resource: Resource;
  group: string;
  kind: string;
  name: string;
  /** '' for cluster-scoped kinds. */
  namespace: string;
  /** `namespace/name`, as Istio names resources in its messages. */
  fullName: string;
  labels: Record<string, string>;
  /** `spec` when it is a mapping, else an empty one. */
  spec: Record<string, unknown>;
}

export interface Reported extends AnalysisMessage {
  origin: Origin;
}

export class AnalysisContext {
  readonly entries: Entry[] = [];
  readonly reported: Reported[] = [];
  readonly defaultNamespace: string;
  readonly rootNamespace: string;
  private readonly byKind = new Map<string, Entry[]>();
  private readonly memo = new Map<string, unknown>();

  /** The inputs under analysis, after later ones replaced earlier ones of the same identity. */
  readonly inputs: readonly AnalysisInput[];

  constructor(inputs: readonly AnalysisInput[], readonly options: AnalysisOptions = {}) {
    this.defaultNamespace = options.namespace || 'default';
    this.rootNamespace = options.meshConfig?.rootNamespace || 'istio-system';
    // A later input replaces an earlier one with the same kind, namespace and name, as applying
    // files over the stored configuration would.
    const byIdentity = new Map<string, number>();
    const kept: (AnalysisInput | undefined)[] = [];
    const entryAt: (Entry | undefined)[] = [];
    for (const input of inputs) {
      const entry = this.toEntry(input);
      const identity = entry && `${entry.group}/${entry.kind}/${entry.fullName}`;
      if (identity !== undefined && byIdentity.has(identity)) kept[byIdentity.get(identity)!] = undefined;
      if (identity !== undefined) byIdentity.set(identity, kept.length);
      kept.push(input);
      entryAt.push(entry);
    }
    this.inputs = kept.filter((i): i is AnalysisInput => i !== undefined);
    entryAt.forEach((entry, i) => {
      if (!entry || kept[i] === undefined) return;
      this.entries.push(entry);
      const key = `${entry.group}/${entry.kind}`;
      const list = this.byKind.get(key);
      if (list) list.push(entry);
      else this.byKind.set(key, [entry]);
    });
  }

  /** Resources of one kind, in input order. */
  of(group: string, kind: string): Entry[] {
    return this.byKind.get(`${group}/${kind}`) ?? [];
  }

  /** Computes an index once per analysis and shares it between analyzers. */
  cached<T>(key: string, build: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, build());
    return this.memo.get(key) as T;
  }

  /** Best-effort origin for any input, including ones too malformed to become an Entry. */
  originOf(input: AnalysisInput): Origin {
    const entry = this.entries.find((e) => e.resource === input.resource);
    if (entry) return entry;
    const r = record(input.resource) ?? {};
    const meta = record(r.metadata) ?? {};
    const kind = str(r.kind) ?? 'Resource';
    const name = str(meta.name) ?? '';
    const ns = str(meta.namespace) ?? this.defaultNamespace;
    return {
      label: name ? `${kind} ${ns}/${name}` : kind,
      scope: ns,
      sortKey: `${kind}/${name}/${ns}`,
      file: input.file,
      positionOf: input.positionOf,
      annotations: stringMap(meta.annotations),
    };
  }

  /**
   * Records a message about `origin`. Its line is where `path` was written (the document's first
   * line without one); `known` carries a line and path someone already computed (validation errors).
   */
  report<Args extends unknown[]>(origin: Origin, type: MessageType<Args>, args: Args, path?: (string | number)[], known?: { line?: number; path?: string }): void {
    const line = known?.line ?? origin.positionOf?.(path ?? [])?.line;
    const fieldPath = known?.path ?? (path && path.length > 0 ? formatPath(path) : undefined);
    this.reported.push({
      code: type.code,
      name: type.name,
      level: type.level,
      message: type.format(...args),
      resource: origin.label,
      ...(origin.file !== undefined ? { file: origin.file } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(fieldPath ? { path: fieldPath } : {}),
      origin,
    });
  }

  private toEntry(input: AnalysisInput): Entry | undefined {
    const r = record(input.resource);
    const apiVersion = str(r?.apiVersion);
    const kind = str(r?.kind);
    const meta = record(r?.metadata);
    const name = str(meta?.name);
    if (!r || !apiVersion || !kind || !meta || !name) return undefined;
    const { group } = splitApiVersion(apiVersion);
    // Unknown kinds count as namespaced, as almost every custom resource is.
    const namespaced = kindInfo(group, kind)?.namespaced ?? true;
    const namespace = namespaced ? str(meta.namespace) || this.defaultNamespace : '';
    const fullName = namespace ? `${namespace}/${name}` : name;
    return {
      resource: input.resource,
      group,
      kind,
      name,
      namespace,
      fullName,
      label: `${kind} ${fullName}`,
      scope: namespaced ? namespace : kind === 'Namespace' ? name : '',
      sortKey: `${kind}/${name}/${namespace}`,
      file: input.file,
      positionOf: input.positionOf,
      labels: stringMap(meta.labels),
      annotations: stringMap(meta.annotations),
      spec: record(r.spec) ?? {},
    };
  }
}

/** One check, named as Istio names its analyzers (`virtualservice.GatewayAnalyzer`). */
export interface Analyzer {
  name: string;
  analyze(ctx: AnalysisContext): void;
}
