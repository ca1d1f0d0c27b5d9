/**
 * Builds the playground with Vite and serves the built folder on 127.0.0.1 (a free
 * port), as a static host would: the end-to-end tests load the production build.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** The playground package's folder. */
export const playgroundRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/** `vite build` into `dist/`; returns the folder. */
export async function buildPlayground(): Promise<string> {
  await build({ root: playgroundRoot, configFile: join(playgroundRoot, 'vite.config.ts'), logLevel: 'warn' });
  return join(playgroundRoot, 'dist');
}

/** Serves `folder` on 127.0.0.1; resolves to the base URL and the server. */
export async function serve(folder: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname));
    const file = join(folder, path.endsWith('/') ? join(path, 'index.html') : path);
    if (!file.startsWith(folder) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}
