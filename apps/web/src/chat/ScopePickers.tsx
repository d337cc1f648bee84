import type { ClassDto, DocumentDto } from '@classchat/contracts';
import { useId } from 'react';
import { documentsInScope, scopeForDocument, type Scope } from './scopeRules.js';

export type { Scope } from './scopeRules.js';

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
  return (
    <div className="scope" role="group" aria-label="Answer from">
      <ScopeSelect
        id={`${id}-class`}
        label="Class"
        allLabel="All classes"
        options={classes.map((c) => ({ value: c.id, label: c.name }))}
        value={scope.classId}
        disabled={disabled}
        // A new class starts from all of its documents.
        onChange={(classId) => onChange({ classId, docId: null })}
        testId="class-picker"
      />
      <ScopeSelect
        id={`${id}-doc`}
        label="Document"
        allLabel="All documents"
        options={documentsInScope(documents, scope.classId).map((d) => ({ value: d.id, label: d.fileName }))}
        value={scope.docId}
        disabled={disabled}
        onChange={(docId) => onChange(scopeForDocument(documents, docId, scope))}
        testId="document-picker"
      />
    </div>
  );
}

/** A labelled select whose first option ("All …") stands for null. */
function ScopeSelect({
  id,
  label,
  allLabel,
  options,
  value,
  disabled,
  onChange,
  testId,
}: {
  id: string;
  label: string;
  allLabel: string;
  options: { value: string; label: string }[];
  value: string | null;
  disabled: boolean | undefined;
  onChange: (value: string | null) => void;
  testId: string;
}) {
  return (
    <div className="scope__field">
      <label htmlFor={id} className="scope__label">
        {label}
      </label>
      <select
        id={id}
        className="select"
        value={value ?? ''}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value || null)}
        data-testid={testId}
      >
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
