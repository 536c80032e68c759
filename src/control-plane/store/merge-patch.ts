// JSON merge patch (RFC 7386), the patch kubectl sends as `application/merge-patch+json`: objects
// merge key by key, `null` deletes a key, anything else (arrays included) replaces the target.

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Returns the patched value; neither argument is modified (the target may be frozen). */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = {};
  if (isObject(target)) {
    for (const [k, v] of Object.entries(target)) define(out, k, v);
  }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else define(out, k, applyMergePatch(Object.hasOwn(out, k) ? out[k] : undefined, v));
  }
  return out;
}

// A JSON key `__proto__` must stay a plain key: assignment would replace the prototype instead.
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
