import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import { AppError, notFound } from '@classchat/contracts';
import type { Registry } from 'prom-client';

export type ReadinessCheck = () => Promise<void>;

/**
 * Who may read `/metrics`: anyone who reaches the port (an internal service), only a scraper sending
 * `Authorization: Bearer <token>`, or nobody (404, as if it did not exist).
 */
export type MetricsAccess = 'public' | { token: string } | 'off';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Why the request may not read the metrics (an error to answer with), or null when it may. */
function metricsRefusal(req: Request, access: MetricsAccess): AppError | null {
  if (access === 'public') return null;
  if (access === 'off') return notFound('Route');
  const auth = req.headers.authorization;
  // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first difference.
  const ok =
    auth?.startsWith('Bearer ') &&
    timingSafeEqual(digest(auth.slice('Bearer '.length).trim()), digest(access.token));
  return ok ? null : new AppError('unauthorized', 'Metrics need the metrics token (Authorization: Bearer).');
}

/**
 * `/healthz` (the process is up), `/readyz` (every dependency answers; 503 naming the failing ones)
 * and `/metrics` (Prometheus text format, as `metrics` allows; public by default).
 */
export function healthRoutes(options: {
  service: string;
  checks: Record<string, ReadinessCheck>;
  registry: Registry;
  metrics?: MetricsAccess;
}): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: options.service });
  });
  router.get('/readyz', async (_req, res) => {
    const entries = Object.entries(options.checks);
    const results = await Promise.all(
      entries.map(async ([name, check]) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (err) {
          return [name, err instanceof Error ? err.message : String(err)] as const;
        }
      }),
    );
    const failing = results.filter(([, r]) => r !== 'ok');
    res.status(failing.length ? 503 : 200).json({
      status: failing.length ? 'unavailable' : 'ok',
      service: options.service,
      checks: Object.fromEntries(results),
    });
  });
  router.get('/metrics', async (req, res, next) => {
    const refusal = metricsRefusal(req, options.metrics ?? 'public');
    if (refusal) return next(refusal);
    res.setHeader('Content-Type', options.registry.contentType);
    res.send(await options.registry.metrics());
  });
  return router;
}
