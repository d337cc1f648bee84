import type { ClassDto } from '@classchat/contracts';
import { useRef } from 'react';
import { Icon } from '../ui/Icon.js';
import { classCount, type DocumentCount, type DocumentCounts } from './classCounts.js';
import { useSelectedChipInView } from './useSelectedChipInView.js';

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
  const listRef = useRef<HTMLUListElement>(null);
  // Whatever changes the chips' widths or order may carry the selected one off a phone's row.
  const chipsKey = `${selectedId ?? ''}|${counts ? 'counted' : ''}|${classes.map((c) => c.id + c.name).join('|')}`;
  useSelectedChipInView(listRef, chipsKey);
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
      <ul className="classes__list" data-testid="class-list" ref={listRef}>
        <ClassItem
          name="All documents"
          selected={selectedId === null}
          count={counts?.all ?? null}
          onSelect={() => onSelect(null)}
          testId="class-all"
        />
        {classes.map((c) => (
          <ClassItem
            key={c.id}
            classId={c.id}
            name={c.name}
            selected={selectedId === c.id}
            count={classCount(c, counts)}
            onSelect={() => onSelect(c.id)}
            testId="class-item"
          />
        ))}
      </ul>
      {classes.length === 0 && (
        <p className="classes__empty">Create a class to keep each course’s material together.</p>
      )}
    </nav>
  );
}

/** One entry of the list: its name and, once known, how many documents it holds. */
function ClassItem({
  classId,
  name,
  selected,
  count,
  onSelect,
  testId,
}: {
  classId?: string;
  name: string;
  selected: boolean;
  count: DocumentCount | null;
  onSelect: () => void;
  testId: string;
}) {
  return (
    <li>
      <button
        type="button"
        className="classes__item"
        aria-current={selected ? 'true' : undefined}
        onClick={onSelect}
        data-testid={testId}
        data-class-id={classId}
      >
        <span className="classes__name">{name}</span>
        {count && <CountBadge count={count} />}
      </button>
    </li>
  );
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
