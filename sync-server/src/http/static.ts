import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type Response } from 'express';
import type { Logger } from '../observability/logger.js';

/** Files that name hashed assets or the service worker: browsers must revalidate them on every load. */
const NO_CACHE_FILES = new Set(['index.html', 'sw.js', 'registerSW.js', 'manifest.webmanifest']);
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Paths that belong to the API or the socket; never answered with the SPA shell. */
function isServerPath(urlPath: string): boolean {
  return /^\/(api|socket\.io)(\/|$)/.test(urlPath);
}

function cacheHeaderSetter(root: string) {
  return (res: Response, filePath: string): void => {
    const relative = path.relative(root, filePath);
    const hashed = relative.startsWith(`assets${path.sep}`) && !NO_CACHE_FILES.has(path.basename(filePath));
    // Everything unhashed (shell, service worker, icons) revalidates by ETag, so a deploy shows at once.
    res.setHeader('Cache-Control', hashed ? IMMUTABLE : 'no-cache');
  };
}

/**
 * Serves the built PWA from `dir`: content-hashed `/assets/*` cached forever, the shell and the
 * service worker always revalidated (a stale `sw.js` would pin users to an old release), and
 * `index.html` for browser navigations to client-side routes. Mount after the API routes.
 * Without a build, logs a warning and serves a short page at `/` explaining how to build it.
 */
export function serveClient(app: Express, dir: string, logger?: Logger): void {
  const root = path.resolve(dir);
  const indexFile = path.join(root, 'index.html');
  if (!existsSync(indexFile)) {
    logger?.warn({ dir: root }, 'client build not found; serving a placeholder page at /');
    app.get('/', (_req, res) => {
      res
        .status(200)
        .set('Cache-Control', 'no-cache')
        .type('html')
        .send(
          '<!doctype html><meta charset="utf-8"><title>TaskMaster</title>' +
            '<h1>TaskMaster sync server</h1><p>The client is not built. Run <code>npm run build</code>, then restart.</p>',
        );
    });
    return;
  }

  app.use(
    express.static(root, {
      index: false, // `/` goes through the fallback below so it gets the shell's no-cache header
      dotfiles: 'ignore',
      fallthrough: true,
      setHeaders: cacheHeaderSetter(root),
    }),
  );

  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (isServerPath(req.path) || req.path.startsWith('/assets/')) return next();
    // A missing `/foo.js` must be a 404, not HTML served as script; only extension-less routes are SPA pages.
    if (path.extname(req.path) !== '' && path.extname(req.path) !== '.html') return next();
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile, (err) => {
      if (err) next(err);
    });
  });
}
