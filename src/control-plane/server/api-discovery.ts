// Discovery documents (what kubectl reads to learn the kinds: /api, /apis, APIResourceLists) and
// /version, built from the kind registry.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KINDS } from '../../config/kinds.js';
import type { DiscoveryRoute } from './api-routes.js';

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

export function discoveryDocument(route: DiscoveryRoute): unknown {
  switch (route.type) {
    case 'api-versions':
      return { kind: 'APIVersions', versions: ['v1'] };
    case 'api-groups':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups().map(apiGroup) };
    case 'api-group':
      return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(route.group) };
    case 'api-resources': {
      const kinds = KINDS.filter((k) => k.group === route.group && k.versions.includes(route.version));
      return {
        kind: 'APIResourceList', apiVersion: 'v1', groupVersion: route.group ? `${route.group}/${route.version}` : route.version,
        resources: kinds.map((k) => ({
          name: k.plural, singularName: k.singular, namespaced: k.namespaced, kind: k.kind, verbs: VERBS,
          ...(k.shortNames.length ? { shortNames: k.shortNames } : {}),
        })),
      };
    }
  }
}

function groups(): string[] {
  return [...new Set(KINDS.filter((k) => k.group !== '').map((k) => k.group))];
}

function apiGroup(group: string) {
  const versions = [...new Set(KINDS.filter((k) => k.group === group).flatMap((k) => k.versions))];
  // The preferred version is the one every kind of the group serves first.
  const preferred = KINDS.find((k) => k.group === group)!.versions[0]!;
  return {
    name: group,
    versions: versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${group}/${preferred}`, version: preferred },
  };
}

let cachedVersion: string | undefined;

/** Skiff's version, from the package.json this module ships in (src/ under tsx, dist/src/ compiled). */
export function skiffVersion(): string {
  if (cachedVersion) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'skiff' && typeof pkg.version === 'string') return (cachedVersion = pkg.version);
    } catch {
      // No package.json here: keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) return (cachedVersion = 'unknown');
    dir = parent;
  }
}

/** `/version`, shaped like the Kubernetes API server's, with Skiff's own version. */
export function versionDocument(): Record<string, string> {
  const version = skiffVersion();
  const [major = '0', minor = '0'] = version.split('.');
  return {
    version, gitVersion: `v${version}`, major, minor,
    platform: `${process.platform}/${process.arch}`, nodeVersion: process.version,
  };
}
