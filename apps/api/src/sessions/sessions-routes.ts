import { Router } from 'express';
import { z } from 'zod';
import {
  Id,
  MessageParams,
  ReactionBody,
  RenameSessionBody,
  VersionBody,
  type MessageDto,
  type SessionDetail,
  type SessionDto,
  type SessionList,
} from '@classchat/contracts';
import { parseInput } from '@classchat/service';
import { requireAuth, userIdOf } from '../auth/require-auth.js';
import type { ApiContext } from '../context.js';
import type { SessionsService } from './sessions-service.js';

const SessionParams = z.object({ id: Id });

/**
 * `/api/v1/chat/sessions`: list, read, rename and delete the user's chat sessions; react to an answer
 * and switch between its versions. Mounted on its own path next to the `/chat` router of chat/new.
 */
export function sessionsRouter(ctx: ApiContext, service: SessionsService): Router {
  const router = Router();
  router.use(requireAuth(ctx.tokens));

  router.get('/', async (req, res) => {
    res.json((await service.list(userIdOf(req))) satisfies SessionList);
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseInput(SessionParams, req.params, 'path');
    res.json((await service.get(userIdOf(req), id)) satisfies SessionDetail);
  });

  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(SessionParams, req.params, 'path');
    const { title } = parseInput(RenameSessionBody, req.body);
    const userId = userIdOf(req);
    res.json((await service.rename(userId, id, title)) satisfies SessionDto);
    void ctx.userEvents.session(userId, id);
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parseInput(SessionParams, req.params, 'path');
    const userId = userIdOf(req);
    await service.remove(userId, id);
    res.status(204).end();
    ctx.userEvents.sessionDeleted(userId, id);
  });

  router.put('/:id/messages/:messageId/reaction', async (req, res) => {
    const { id, messageId } = parseInput(MessageParams, req.params, 'path');
    const { reaction } = parseInput(ReactionBody, req.body);
    const userId = userIdOf(req);
    res.json((await service.setReaction(userId, id, messageId, reaction)) satisfies MessageDto);
    void ctx.userEvents.message(userId, id, messageId);
  });

  router.put('/:id/messages/:messageId/version', async (req, res) => {
    const { id, messageId } = parseInput(MessageParams, req.params, 'path');
    const { index } = parseInput(VersionBody, req.body);
    const userId = userIdOf(req);
    res.json((await service.setVersion(userId, id, messageId, index)) satisfies MessageDto);
    void ctx.userEvents.message(userId, id, messageId);
  });

  return router;
}
