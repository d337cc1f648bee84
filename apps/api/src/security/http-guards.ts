import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { AppError, CSRF_HEADER, CSRF_HEADER_VALUE } from '@classchat/contracts';
import { sessionCookieOf, usesBearer } from '../auth/credentials.js';
import { originAllowed, servedHosts } from './origin.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Security headers for everything the api serves (the web app included). The policy is what the web
 * app needs and nothing more: its own scripts, styles (inline style attributes: KaTeX and PDF.js
 * position text with them), fonts (KaTeX's), images (data:/blob: for rendered pages), the PDF.js
 * worker, and connections (REST, Socket.IO) to its own origin. It may not be framed by anyone.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        workerSrc: ["'self'", 'blob:'],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/**
 * Refuses a state-changing request (POST, PUT, PATCH, DELETE) that a browser sent from a page of
 * another origin — another site, or another port of this host — whatever its credentials.
 */
export function originGuard(publicOrigins: readonly string[] | undefined): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (originAllowed(req.headers.origin, { publicOrigins, servedHosts: servedHosts(req) })) return next();
    next(new AppError('forbidden', 'This request came from another website and was refused.'));
  };
}

/**
 * A state-changing request authenticated by the session cookie must carry the app's CSRF header
 * (which a form or a no-cors request cannot send). Bearer clients never send the cookie's
 * credentials by accident, so they need not send it.
 */
export function csrfGuard(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (usesBearer(req.headers) || !sessionCookieOf(req.headers)) return next();
    if (req.get(CSRF_HEADER) === CSRF_HEADER_VALUE) return next();
    next(
      new AppError(
        'forbidden',
        `This request was refused: it did not come from the Class Chat app (missing ${CSRF_HEADER} header).`,
      ),
    );
  };
}
