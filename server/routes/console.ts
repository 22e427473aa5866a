// GET /console: the agent console, static files read once at start (no build step). The page itself
// is public; everything it shows comes from the API with the token the user signs in with.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.join(here, '..', 'console');
const require = createRequire(import.meta.url);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function load(): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of ['index.html', 'app.js', 'api.js', 'i18n.js', 'dashboard.js', 'style.css']) {
    files.set(name, { type: TYPES[path.extname(name)]!, body: readFileSync(path.join(dir, name)) });
  }
  // Chart.js from node_modules, as its own file.
  // (The package exports only its modules: the UMD build is found beside its main file.)
  const umd = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
  files.set('vendor/chart.umd.min.js', { type: TYPES['.js']!, body: readFileSync(umd) });
  return files;
}

export const consoleRoutes: FastifyPluginAsync = async (app) => {
  const files = load();
  const send = (name: string) => async (_req: unknown, reply: import('fastify').FastifyReply) => {
    const f = files.get(name)!;
    return reply
      .type(f.type)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      // Scripts and styles only from here; the API on the same origin.
      .header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
      .send(f.body);
  };
  const hide = { schema: { hide: true } };
  app.get('/console', hide, send('index.html'));
  for (const name of files.keys()) if (name !== 'index.html') app.get(`/console/${name}`, hide, send(name));
};
