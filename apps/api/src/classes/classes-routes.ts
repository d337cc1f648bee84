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

/** `/api/v1/classes`, authenticated; deleting a class removes its documents' files too. */
export function classesRouter(ctx: ApiContext, service: ClassesService): Router {
  const router = Router();
  router.use(requireAuth(ctx.tokens));
  router.use(classesRoutes(service));
  return router;
}

/** `/api/v1/classes` (behind requireAuth): list, create, rename, delete. */
export function classesRoutes(service: ClassesService): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    res.json({ classes: await service.list(userIdOf(req)) } satisfies ClassList);
  });

  router.post('/', async (req, res) => {
    const { name } = parseInput(CreateClassBody, req.body, 'class');
    res.status(201).json((await service.create(userIdOf(req), name)) satisfies ClassDto);
  });

  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(IdParams, req.params, 'class id');
    const { name } = parseInput(RenameClassBody, req.body, 'class');
    res.json((await service.rename(userIdOf(req), id, name)) satisfies ClassDto);
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parseInput(IdParams, req.params, 'class id');
    await service.delete(userIdOf(req), id);
    res.status(204).end();
  });

  return router;
}
