import type { ClassDto } from '@classchat/contracts';
import { Icon } from '../ui/Icon.js';

/** "All documents" plus the user's classes; selecting one filters the library. */
export function ClassesPanel({
  classes,
  selectedId,
  totalCount,
  onSelect,
  onCreate,
}: {
  classes: ClassDto[];
  selectedId: string | null;
  totalCount: number | null;
  onSelect: (id: string | null) => void;
  onCreate: () => void;
}) {
  return (
    <nav className="classes" aria-label="Classes">
      <div className="classes__header">
        <h2 className="section-title">Classes</h2>
        <button
          type="button"
          className="btn btn-small btn-secondary"
          onClick={onCreate}
          data-testid="class-create"
        >
          <Icon name="plus" size={16} />
          New class
        </button>
      </div>
      <ul className="classes__list" data-testid="class-list">
        <li>
          <button
            type="button"
            className="classes__item"
            aria-current={selectedId === null ? 'true' : undefined}
            onClick={() => onSelect(null)}
            data-testid="class-all"
          >
            <span className="classes__name">All documents</span>
            {totalCount !== null && <span className="classes__count">{totalCount}</span>}
          </button>
        </li>
        {classes.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className="classes__item"
              aria-current={selectedId === c.id ? 'true' : undefined}
              onClick={() => onSelect(c.id)}
              data-testid="class-item"
              data-class-id={c.id}
            >
              <span className="classes__name">{c.name}</span>
              <span className="classes__count" aria-label={`${c.documentCount} documents`}>
                {c.documentCount}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {classes.length === 0 && (
        <p className="classes__empty">Create a class to keep each course’s material together.</p>
      )}
    </nav>
  );
}
