import { useLayoutEffect, useRef } from 'react';

/**
 * A ref that always holds the latest `value`: effects call the caller's newest callback through it
 * without re-running (and redoing their work) each time the caller passes a new function.
 */
export function useLatestRef<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
