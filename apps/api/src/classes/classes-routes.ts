import { Router } from 'express';
import {
  CreateClassBody,
  IdParams,
  RenameClassBody,
  type ClassDto,
  type ClassList,
} from '@classchat/contracts';
import { parseInput } from '@classchat/service';
import { requireAuth, userIdOf } from '../auth/require-auth.js';
import type { ApiContext } from '../context.js';
import type { ClassesService } from './classes-service.js';
import type { UserEventPublisher } from '../realtime/user-events.js';

/** `/api/v1/classes`, authenticated; deleting a class removes its documents' files too. */
export function classesRouter(ctx: ApiContext, service: ClassesService): Router {
  const router = Router();
  router.use(requireAuth(ctx.tokens));
  router.use(classesRoutes(service, ctx.userEvents));
  return router;
}

/**
 * `/api/v1/classes` (behind requireAuth): list, create, rename, delete; every change is told to the
 * user's other tabs through `events`.
 */
export function classesRoutes(
  service: ClassesService,
  events?: Pick<UserEventPublisher, 'emit' | 'documentDeleted' | 'usage'>,
): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    res.json({ classes: await service.list(userIdOf(req)) } satisfies ClassList);
  });

  router.post('/', async (req, res) => {
    const { name } = parseInput(CreateClassBody, req.body, 'class');
    const userId = userIdOf(req);
    const created = await service.create(userId, name);
    res.status(201).json(created satisfies ClassDto);
    events?.emit(userId, { type: 'class-updated', class: created });
  });

  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(IdParams, req.params, 'class id');
    const { name } = parseInput(RenameClassBody, req.body, 'class');
    const userId = userIdOf(req);
    const renamed = await service.rename(userId, id, name);
    res.json(renamed satisfies ClassDto);
    events?.emit(userId, { type: 'class-updated', class: renamed });
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parseInput(IdParams, req.params, 'class id');
    const userId = userIdOf(req);
    const { documentIds } = await service.delete(userId, id);
    res.status(204).end();
    events?.emit(userId, { type: 'class-deleted', classId: id });
    for (const documentId of documentIds) events?.documentDeleted(userId, documentId, null);
    if (documentIds.length > 0) void events?.usage(userId);
  });

  return router;
}
