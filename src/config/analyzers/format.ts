// istioctl analyze's two outputs: the text form (`Error [IST0101] (VirtualService default/reviews
// bookinfo.yaml:12) Referenced host not found: "reviewz"`) and the `-o json` form.
import type { AnalysisMessage } from './types.js';

const DOCS = 'https://istio.io/latest/docs/reference/config/analysis';

export interface AnalysisTarget {
  namespace?: string;
  allNamespaces?: boolean;
  /** Files analyzed, when the user named files: istioctl then names them instead of the namespace. */
  files?: string[];
}

/** `bookinfo.yaml:12`; the file alone when the line is unknown. */
function reference(m: AnalysisMessage): string | undefined {
  if (m.file === undefined || m.file === '') return undefined;
  return m.line !== undefined ? `${m.file}:${m.line}` : m.file;
}

function origin(m: AnalysisMessage): string {
  if (!m.resource) return '';
  const ref = reference(m);
  return ` (${m.resource}${ref ? ` ${ref}` : ''})`;
}

/** One line per message; when there are none, istioctl's success line for the target. */
export function formatAnalysis(messages: AnalysisMessage[], target: AnalysisTarget = {}): string {
  if (messages.length === 0) return noIssues(target);
  return messages.map((m) => `${m.level} [${m.code}]${origin(m)} ${m.message}`).join('\n');
}

function noIssues(target: AnalysisTarget): string {
  const files = target.files ?? [];
  if (files.length > 1) return `✔ No validation issues found when analyzing:\n${files.map((f) => `  - ${f}`).join('\n')}`;
  if (files.length === 1) return `✔ No validation issues found when analyzing ${files[0]}.`;
  const what = target.allNamespaces ? 'all namespaces' : `namespace: ${target.namespace || 'default'}`;
  return `✔ No validation issues found when analyzing ${what}.`;
}

/**
 * istioctl's JSON: an array of `{code, documentationUrl, level, message, origin, reference}` (keys
 * in that order, as Go sorts them). Skiff's own codes have no page on istio.io and so no URL.
 */
export function analysisJson(messages: AnalysisMessage[]): unknown {
  return messages.map((m) => {
    const out: Record<string, string> = { code: m.code };
    if (m.code.startsWith('IST')) out.documentationUrl = `${DOCS}/${m.code.toLowerCase()}/`;
    out.level = m.level;
    out.message = m.message;
    if (m.resource) out.origin = m.resource;
    const ref = reference(m);
    if (ref) out.reference = ref;
    return out;
  });
}
