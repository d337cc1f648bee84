import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/** apps/web/dist, found from both src/ and dist/ of this package. */
export const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Serve the built front end with an SPA fallback; nothing when it has not been built. */
export function webStatic(dir: string | undefined): Router | null {
  const root = resolve(dir ?? defaultWebDist);
  const index = join(root, 'index.html');
  if (!existsSync(index)) return null;
  const router = express.Router();
  router.use(express.static(root, { index: false, maxAge: '1h', setHeaders: noCacheForHtml }));
  router.get(/^(?!\/api\/|\/socket\.io\/).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    // Relative to `root`, so a dist folder under a hidden directory (~/.local/…) is served: only the
    // requested path's own segments are checked for dotfiles.
    res.sendFile('index.html', { root });
  });
  return router;
}

function noCacheForHtml(res: express.Response, path: string) {
  if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
