import type { ClassDto, DocumentDto } from '@classchat/contracts';
import { useId } from 'react';

export interface Scope {
  classId: string | null;
  docId: string | null;
}

/** Which material the assistant answers from: all, one class, or one document. */
export function ScopePickers({
  classes,
  documents,
  scope,
  onChange,
  disabled,
}: {
  classes: ClassDto[];
  documents: DocumentDto[];
  scope: Scope;
  onChange: (scope: Scope) => void;
  disabled?: boolean;
}) {
  const id = useId();
  const docsInScope = documents.filter(
    (d) => d.status === 'ready' && (scope.classId === null || d.classId === scope.classId),
  );
  return (
    <div className="scope" role="group" aria-label="Answer from">
      <div className="scope__field">
        <label htmlFor={`${id}-class`} className="scope__label">
          Class
        </label>
        <select
          id={`${id}-class`}
          className="select"
          value={scope.classId ?? ''}
          disabled={disabled}
          onChange={(e) => onChange({ classId: e.target.value || null, docId: null })}
          data-testid="class-picker"
        >
          <option value="">All classes</option>
          {classes.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <div className="scope__field">
        <label htmlFor={`${id}-doc`} className="scope__label">
          Document
        </label>
        <select
          id={`${id}-doc`}
          className="select"
          value={scope.docId ?? ''}
          disabled={disabled}
          onChange={(e) => {
            const docId = e.target.value || null;
            const doc = documents.find((d) => d.id === docId);
            onChange({ classId: doc?.classId ?? scope.classId, docId });
          }}
          data-testid="document-picker"
        >
          <option value="">All documents</option>
          {docsInScope.map((d) => (
            <option key={d.id} value={d.id}>
              {d.fileName}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
