import type { ClassDto, DocumentStatus } from '@classchat/contracts';
import { Icon } from '../ui/Icon.js';

/** Documents that are or will be usable (ready, or still being processed), and failed ones apart. */
export interface DocumentCount {
  active: number;
  failed: number;
}

export interface DocumentCounts {
  all: DocumentCount;
  byClass: Readonly<Record<string, DocumentCount>>;
}

/** Counts the documents (with their live status) for "All documents" and each class. */
export function countDocuments(
  documents: readonly { classId: string | null; status: DocumentStatus }[],
): DocumentCounts {
  const all: DocumentCount = { active: 0, failed: 0 };
  const byClass: Record<string, DocumentCount> = {};
  for (const d of documents) {
    const key = d.status === 'failed' ? 'failed' : 'active';
    all[key] += 1;
    if (d.classId) {
      const count = (byClass[d.classId] ??= { active: 0, failed: 0 });
      count[key] += 1;
    }
  }
  return { all, byClass };
}

function CountBadge({ count }: { count: DocumentCount }) {
  return (
    <>
      <span className="classes__count" aria-label={`${count.active} documents`} data-testid="class-count">
        {count.active}
      </span>
      {count.failed > 0 && (
        <span className="classes__failed" data-testid="class-failed">
          {count.failed} failed
        </span>
      )}
    </>
  );
}

/** "All documents" plus the user's classes; selecting one filters the library. */
export function ClassesPanel({
  classes,
  selectedId,
  counts,
  onSelect,
  onCreate,
}: {
  classes: ClassDto[];
  selectedId: string | null;
  /** From the documents with their live status; null while they load (the classes' own counts then). */
  counts: DocumentCounts | null;
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
            {counts && <CountBadge count={counts.all} />}
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
              <CountBadge count={counts?.byClass[c.id] ?? (counts ? { active: 0, failed: 0 } : countOf(c))} />
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

const countOf = (c: ClassDto): DocumentCount => ({ active: c.documentCount, failed: c.failedCount ?? 0 });
