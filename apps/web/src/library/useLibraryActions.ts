import type { ClassDto } from '@classchat/contracts';
import { classesApi } from '../api/classes.js';
import { documentsApi } from '../api/documents.js';
import type { DocumentView } from '../streaming/documentStatus.js';
import { useToast } from '../ui/Toasts.js';
import type { LibraryData } from './useLibraryData.js';

export type LibraryActionDeps = Pick<LibraryData, 'refreshClasses' | 'refreshStorage' | 'removeDocuments'> & {
  /** Shows a class (or, with null, all documents) in the library. */
  onSelect: (classId: string | null) => void;
};

/**
 * The library's changes to classes and documents, each done through the api and then shown: the
 * lists, the counts and the storage meter brought up to date, and the class concerned selected.
 */
export function useLibraryActions({
  onSelect,
  refreshClasses,
  refreshStorage,
  removeDocuments,
}: LibraryActionDeps) {
  const toast = useToast();
  return {
    createClass: async (name: string) => {
      const created = await classesApi.create(name);
      await refreshClasses();
      if (created.id) onSelect(created.id);
      toast.show({ message: `Created “${name}”`, tone: 'success' });
    },
    renameClass: async (cls: ClassDto, name: string) => {
      await classesApi.rename(cls.id, name);
      await refreshClasses();
    },
    deleteClass: async (cls: ClassDto) => {
      await classesApi.remove(cls.id);
      removeDocuments((d) => d.classId === cls.id);
      onSelect(null);
      await refreshClasses();
      void refreshStorage();
      toast.show({ message: `Deleted “${cls.name}”`, tone: 'success' });
    },
    deleteDocument: async (doc: DocumentView) => {
      await documentsApi.remove(doc.id);
      removeDocuments((d) => d.id === doc.id);
      await refreshClasses();
      void refreshStorage();
    },
  };
}
