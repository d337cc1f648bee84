import type { ReactNode } from 'react';
import { ProgressBar } from './ProgressBar.js';

/**
 * A quota the user fills up: "label … count" over a bar, then its notes (`meter__text` paragraphs).
 * `full` turns the count and the notes to the danger colour; `tone` is the bar's, which may warn first.
 * Test ids: `${testId}-meter` and `${testId}-count`.
 */
export function Meter({
  testId,
  label,
  count,
  value,
  barLabel,
  tone,
  full,
  children,
}: {
  testId: string;
  label: string;
  count: ReactNode;
  /** 0..1 */
  value: number;
  barLabel: string;
  tone: 'accent' | 'danger';
  full: boolean;
  children?: ReactNode;
}) {
  return (
    <div className={`meter${full ? ' meter--full' : ''}`} data-testid={`${testId}-meter`}>
      <div className="meter__row">
        <span className="meter__label">{label}</span>
        <span className="meter__count" data-testid={`${testId}-count`}>
          {count}
        </span>
      </div>
      <ProgressBar value={value} label={barLabel} tone={tone} />
      {children}
    </div>
  );
}
