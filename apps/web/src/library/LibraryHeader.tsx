import type { ClassDto } from '@classchat/contracts';
import { Icon } from '../ui/Icon.js';

type Props = {
  /** The class shown, or null when the library shows all documents. */
  selectedClass: ClassDto | null;
  onRename: (cls: ClassDto) => void;
  onDelete: (cls: ClassDto) => void;
};

/** The library's title — the class shown or "All documents" — with the shown class's rename and delete. */
export function LibraryHeader({ selectedClass, onRename, onDelete }: Props) {
  return (
    <header className="library__header">
      <div>
        <p className="eyebrow">Library</p>
        <h1 id="library-title" className="page-title">
          {selectedClass ? selectedClass.name : 'All documents'}
        </h1>
      </div>
      {selectedClass && (
        <div className="library__header-actions">
          <button
            type="button"
            className="btn btn-small btn-secondary"
            onClick={() => onRename(selectedClass)}
            data-testid="class-rename"
          >
            <Icon name="pencil" size={16} /> Rename
          </button>
          <button
            type="button"
            className="btn btn-small btn-danger-ghost"
            onClick={() => onDelete(selectedClass)}
            data-testid="class-delete"
          >
            <Icon name="trash" size={16} /> Delete class
          </button>
        </div>
      )}
    </header>
  );
}
