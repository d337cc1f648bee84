import { useState } from 'react';
import { errorMessage } from '../api/http.js';

/**
 * Runs a dialog's action: busy while it runs, then `onDone`; if it fails the dialog stays open,
 * usable again, with the reason.
 */
export function useConfirmAction(action: () => Promise<void> | void, onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      await action();
      onDone();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return { busy, error, run };
}
