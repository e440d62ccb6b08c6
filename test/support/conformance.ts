/**
 * The conformance rules of shared/conformance/README.md: dot paths with array selectors, numbers
 * within atol + rtol * |expected|, non-finite strings matched exactly, ids mentioned as whole
 * words. Used to run the copied cases through the app in process.
 */
export interface ConformanceCase {
  name: string;
  description?: string;
  endpoint: string;
  method?: string;
  request?: unknown;
  requestRaw?: string;
  headers?: Record<string, string>;
  expect?: Record<string, unknown>;
  rtol?: number;
  atol?: number;
  tolerances?: Record<string, { rtol?: number; atol?: number }>;
  expectStatus?: number;
  expectStatusIn?: number[];
  expectErrorPathContains?: string;
  expectMentions?: Record<string, string[]>;
  expectTypes?: Record<string, string>;
}

const own = (o: unknown, k: string): o is Record<string, unknown> =>
  o !== null && typeof o === 'object' && Object.hasOwn(o, k);

function selects(elem: unknown, selector: string): boolean {
  return selector.split('&').every((part) => {
    const eq = part.indexOf('=');
    const k = part.slice(0, eq),
      v = part.slice(eq + 1);
    if (!own(elem, k)) return false;
    const f = elem[k];
    return typeof f === 'string' ? f === v : JSON.stringify(f) === v;
  });
}

export function resolvePath(root: unknown, path: string): { ok: true; value: unknown } | { ok: false } {
  if (path === '') return { ok: true, value: root };
  let cur: unknown = root;
  for (const seg of path.split('.')) {
    if (Array.isArray(cur)) {
      if (/^\d+$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)];
      else if (seg.includes('=') && cur.some((e) => selects(e, seg))) cur = cur.find((e) => selects(e, seg));
      else return { ok: false };
    } else if (own(cur, seg)) cur = cur[seg];
    else return { ok: false };
  }
  return { ok: true, value: cur };
}

/** null when `got` matches `expected`, else a message naming the first difference. */
export function mismatch(expected: unknown, got: unknown, path: string, rtol: number, atol: number): string | null {
  const fail = () => `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`;
  if (typeof expected === 'number') {
    return typeof got === 'number' && Math.abs(got - expected) <= atol + rtol * Math.abs(expected) ? null : fail();
  }
  if (expected === null || typeof expected !== 'object') return got === expected ? null : fail();
  if (Array.isArray(expected)) {
    if (!Array.isArray(got) || got.length !== expected.length) return fail();
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(expected[i], got[i], `${path}.${i}`, rtol, atol);
      if (m) return m;
    }
    return null;
  }
  if (got === null || typeof got !== 'object' || Array.isArray(got)) return fail();
  for (const k of Object.keys(expected)) {
    if (!own(got, k)) return `${path}.${k}: missing`;
    const m = mismatch((expected as Record<string, unknown>)[k], got[k], `${path}.${k}`, rtol, atol);
    if (m) return m;
  }
  return null;
}

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every way the response breaks the case; empty when it passes. */
export function checkCase(c: ConformanceCase, status: number, contentType: string, text: string): string[] {
  const problems: string[] = [];
  const allowed = c.expectStatusIn ?? [c.expectStatus ?? 200];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`status ${status}, body is not JSON: ${text.slice(0, 200)}`];
  }
  if (!allowed.includes(status))
    return [`status: expected ${allowed.join(' or ')}, got ${status}: ${text.slice(0, 300)}`];
  if (status >= 400) {
    if (!/application\/problem\+json/i.test(contentType)) problems.push(`content-type ${contentType}`);
    if (!own(body, 'status') || body.status !== status) problems.push('status field differs from the HTTP status');
    if (!own(body, 'title') || typeof body.title !== 'string') problems.push('no title');
    if (c.expectErrorPathContains !== undefined) {
      const paths =
        own(body, 'errors') && Array.isArray(body.errors) ? body.errors.map((e: { path?: string }) => e?.path) : [];
      if (!paths.some((p) => typeof p === 'string' && p.includes(c.expectErrorPathContains!))) {
        problems.push(
          `errors[].path: expected one containing ${c.expectErrorPathContains}, got ${JSON.stringify(paths)}`,
        );
      }
    }
  } else {
    for (const [path, expected] of Object.entries(c.expect ?? {})) {
      const got = resolvePath(body, path);
      const tol = c.tolerances?.[path] ?? {};
      const m = got.ok
        ? mismatch(expected, got.value, path, tol.rtol ?? c.rtol ?? 1e-9, tol.atol ?? c.atol ?? 1e-12)
        : `${path}: missing`;
      if (m) problems.push(m);
    }
    for (const [path, t] of Object.entries(c.expectTypes ?? {})) {
      const got = resolvePath(body, path);
      if (!got.ok || typeName(got.value) !== t) problems.push(`${path}: expected a ${t}`);
    }
  }
  for (const [path, ids] of Object.entries(c.expectMentions ?? {})) {
    const got = resolvePath(body, path);
    const json = got.ok ? (JSON.stringify(got.value) ?? '') : '';
    for (const id of ids) {
      if (!new RegExp(`(^|[^A-Za-z0-9_])${escapeRe(id)}([^A-Za-z0-9_]|$)`).test(json))
        problems.push(`${path || '(body)'} does not mention ${id}`);
    }
  }
  return problems;
}
