import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The built dashboard (web/dist). From src/server/routes (tsx) and dist/server/routes (built)
 * alike, it is three folders up.
 */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Whether `npm run build` has made the dashboard in `dir`. */
export function dashboardBuilt(dir: string = DEFAULT_WEB_DIR): boolean {
  return existsSync(`${dir}/index.html`);
}

export interface StaticOptions {
  /** Folder holding index.html and assets/ (default: the repository's web/dist). */
  readonly dir?: string;
}

/**
 * The dashboard at `/`: static files, no dev server. Without a build the page says how to make
 * one, instead of a bare 404.
 */
export async function staticRoutes(app: FastifyInstance, options: StaticOptions = {}): Promise<void> {
  const dir = options.dir ?? DEFAULT_WEB_DIR;
  // The page and its assets hold no data: public (the page asks for a token when the API wants one).
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), public: true };
  });
  if (!dashboardBuilt(dir)) {
    app.get('/', async (_request, reply) => reply.status(503).type('text/html; charset=utf-8').send(missingBuildPage(dir)));
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    index: 'index.html',
    // Hashed asset names never change content: cache them; index.html is always revalidated.
    setHeaders: (res, path) => {
      res.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

function missingBuildPage(dir: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>uprate — dashboard not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}</style>
</head><body>
<h1>The dashboard has not been built</h1>
<p>uprate serves the dashboard from <code>${escapeHtml(dir)}</code>, and there is no <code>index.html</code> there.</p>
<p>Run <code>npm run build</code> in the uprate folder (or <code>npm install</code>, which builds too), then restart <code>uprate serve</code>.</p>
<p>The API works meanwhile: <a href="/health">/health</a>, <code>/api/v1/*</code>, <code>/cubejs-api/v1/*</code>.</p>
</body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
