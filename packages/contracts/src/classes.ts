import { z } from 'zod';
import { Id, IsoDate, storedText } from './common.js';

export const ClassName = storedText().trim().min(1, 'Enter a class name').max(120);

export const CreateClassBody = z.object({ name: ClassName });
export type CreateClassBody = z.infer<typeof CreateClassBody>;

export const RenameClassBody = z.object({ name: ClassName });
export type RenameClassBody = z.infer<typeof RenameClassBody>;

export const ClassDto = z.object({
  id: Id,
  name: z.string(),
  /** Documents ready or still being processed (failed ones are counted apart). */
  documentCount: z.number().int().nonnegative(),
  /** Documents that could not be processed (absent from older servers). */
  failedCount: z.number().int().nonnegative().optional(),
  createdAt: IsoDate,
});
export type ClassDto = z.infer<typeof ClassDto>;

export const ClassList = z.object({ classes: z.array(ClassDto) });
export type ClassList = z.infer<typeof ClassList>;

export const IdParams = z.object({ id: Id });
export type IdParams = z.infer<typeof IdParams>;
