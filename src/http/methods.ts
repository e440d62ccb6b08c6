/**
 * The methods each path answers, collected from the routes as they are registered: a request for
 * a known path with another method is a 405 with `Allow` (RFC 9110 §15.5.6), not a 404.
 */
import type { FastifyInstance } from 'fastify';

interface Pattern {
  test: RegExp;
  methods: Set<string>;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/docs/static/*` and `/a/:id` as regular expressions over a path. */
function patternOf(url: string): RegExp {
  const wildcard = url.endsWith('*');
  const segments = (wildcard ? url.slice(0, -1) : url).split('/').map((s) => (s.startsWith(':') ? '[^/]+' : escape(s)));
  return new RegExp(`^${segments.join('/')}${wildcard ? '.*' : ''}$`);
}

/** A path as the router matches it: without the query, and without a trailing slash (ignoreTrailingSlash). */
const pathOf = (url: string): string => {
  const path = url.split('?')[0];
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
};

export class RouteMethods {
  private readonly exact = new Map<string, Set<string>>();
  private readonly patterns: Pattern[] = [];

  /** Collects the routes registered from now on. */
  constructor(app: FastifyInstance) {
    app.addHook('onRoute', (route) => {
      // A catch-all (@fastify/cors's OPTIONS *) says nothing about which paths exist.
      if (route.url === '*' || route.url === '/*') return;
      for (const method of [route.method].flat()) this.add(route.url, method);
    });
  }

  private add(url: string, method: string): void {
    if (url.includes('*') || url.includes(':')) {
      const source = patternOf(url).source;
      let pattern = this.patterns.find((p) => p.test.source === source);
      if (!pattern) this.patterns.push((pattern = { test: patternOf(url), methods: new Set() }));
      pattern.methods.add(method);
      return;
    }
    const path = pathOf(url);
    const methods = this.exact.get(path) ?? new Set<string>();
    methods.add(method);
    this.exact.set(path, methods);
  }

  /** The methods of the request's path, sorted; none for a path no route has. */
  allowed(url: string): string[] {
    const path = pathOf(url);
    const methods = new Set(this.exact.get(path));
    for (const pattern of this.patterns) if (pattern.test.test(path)) for (const m of pattern.methods) methods.add(m);
    return [...methods].sort();
  }
}
