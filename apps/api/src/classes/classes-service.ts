import { AppError, notFound, type ClassDto } from '@classchat/contracts';
import { ConflictError, type ClassWithCount, type Repositories } from '@classchat/db';

export function toClassDto(row: ClassWithCount): ClassDto {
  return {
    id: row.id,
    name: row.name,
    documentCount: row.documentCount,
    failedCount: row.failedCount,
    createdAt: row.createdAt.toISOString(),
  };
}

const duplicateName = (name: string) => new AppError('conflict', `You already have a class named “${name}”.`);

export type ClassesService = ReturnType<typeof createClassesService>;

/**
 * The user's classes. Deleting one deletes its documents (database cascade); `onDocumentsDeleted`
 * then removes their files and stops their ingestions.
 */
export function createClassesService(deps: {
  repos: Pick<Repositories, 'classes' | 'documents'>;
  onDocumentsDeleted: (deleted: { documentIds: string[]; storageKeys: string[] }) => Promise<void>;
}) {
  const { repos } = deps;
  const conflictAs = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ConflictError) throw duplicateName(name);
      throw err;
    }
  };

  return {
    async list(userId: string): Promise<ClassDto[]> {
      return (await repos.classes.list(userId)).map(toClassDto);
    },

    async create(userId: string, name: string): Promise<ClassDto> {
      return toClassDto(await conflictAs(name, () => repos.classes.create(userId, name)));
    },

    async rename(userId: string, id: string, name: string): Promise<ClassDto> {
      const row = await conflictAs(name, () => repos.classes.rename(userId, id, name));
      if (!row) throw notFound('Class');
      return toClassDto(row);
    },

    /** Deletes the class and its documents; answers the ids of those documents. */
    async delete(userId: string, id: string): Promise<{ documentIds: string[] }> {
      // The ids are read first, to stop the documents' ingestions; the repository returns the storage
      // keys of exactly the documents it deleted (under a lock), to remove their files.
      const documentIds = (await repos.documents.list(userId, id)).map((d) => d.id);
      const deleted = await repos.classes.delete(userId, id);
      if (!deleted) throw notFound('Class');
      await deps.onDocumentsDeleted({ documentIds, storageKeys: deleted.storageKeys });
      return { documentIds };
    },
  };
}
