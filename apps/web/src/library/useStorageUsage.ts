import type { StorageUsage } from '@classchat/contracts';
import { useCallback, useEffect, useState } from 'react';
import { authApi } from '../api/auth.js';

/** What the documents take of the user's storage quota; read again whenever it may have changed. */
export function useStorageUsage() {
  const [storage, setStorage] = useState<StorageUsage | null>(null);
  const refreshStorage = useCallback(async () => {
    try {
      setStorage((await authApi.usage()).storage);
    } catch {
      // The meter is informative: the upload itself says when the library is full.
    }
  }, []);
  useEffect(() => {
    void refreshStorage();
  }, [refreshStorage]);
  return { storage, setStorage, refreshStorage };
}
