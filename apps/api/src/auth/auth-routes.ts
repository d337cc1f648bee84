import { Router } from 'express';
import { LoginBody, SignupBody, type AuthResponse, type AuthStatus, type Usage } from '@classchat/contracts';
import { parseInput } from '@classchat/service';
import type { ApiContext } from '../context.js';
import type { AuthService } from './auth-service.js';
import { tokenFromHeaders } from './credentials.js';
import { loginRateLimit, signupRateLimit } from './login-limit.js';
import { requireAuth, userIdOf } from './require-auth.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';

/** `/api/v1/user`: signup, login, logout, auth-status, usage. */
export function authRoutes(ctx: ApiContext, service: AuthService): Router {
  const router = Router();
  const auth = requireAuth(ctx.tokens);

  router.post(
    '/signup',
    signupRateLimit(ctx.config.SIGNUP_RATE_LIMIT, ctx.redis, ctx.logger),
    async (req, res) => {
      const result = await service.signup(parseInput(SignupBody, req.body, 'signup'));
      setSessionCookie(req, res, result.token, ctx.tokens.ttlSeconds, ctx.config);
      res.status(201).json(result satisfies AuthResponse);
    },
  );

  const loginLimits = loginRateLimit(
    { pair: ctx.config.LOGIN_RATE_LIMIT, ip: ctx.config.LOGIN_IP_RATE_LIMIT },
    ctx.redis,
    ctx.logger,
  );
  router.post('/login', ...loginLimits, async (req, res) => {
    const result = await service.login(parseInput(LoginBody, req.body, 'login'));
    setSessionCookie(req, res, result.token, ctx.tokens.ttlSeconds, ctx.config);
    res.json(result satisfies AuthResponse);
  });

  // Logout revokes the session token (and every other token of the user: the token version moves
  // on) and closes the user's open sockets, so a copied cookie or bearer token stops working at once.
  router.post('/logout', async (req, res) => {
    const token = tokenFromHeaders(req.headers);
    const verified = token ? await ctx.tokens.verify(token) : null;
    if (verified) {
      await ctx.tokens.revoke(verified.userId);
      ctx.realtime.disconnectUser(verified.userId);
    }
    clearSessionCookie(req, res, ctx.config);
    res.status(204).end();
  });

  // Signed out is an answer, not an error: no session, an expired or revoked token, or an account
  // that no longer exists answer 200 {user: null}, so a first visit logs no failed request.
  router.get('/auth-status', async (req, res) => {
    const token = tokenFromHeaders(req.headers);
    const verified = token ? await ctx.tokens.verify(token) : null;
    const user = verified ? await service.findUser(verified.userId) : null;
    res.json({ user } satisfies AuthStatus);
  });

  router.get('/usage', auth, async (req, res) => {
    res.json((await service.usage(userIdOf(req))) satisfies Usage);
  });

  return router;
}
