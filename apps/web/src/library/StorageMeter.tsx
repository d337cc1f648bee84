import type { StorageUsage } from '@classchat/contracts';
import { formatBytes } from '../ui/format.js';
import { Meter } from '../ui/Meter.js';

/** What the user's documents take of their storage quota: "12 MB of 500 MB". */
export function StorageMeter({ storage }: { storage: StorageUsage | null }) {
  if (!storage) return null;
  const full = storage.usedBytes >= storage.limitBytes;
  const nearlyFull = storage.usedBytes >= storage.limitBytes * 0.9;
  return (
    <Meter
      testId="storage"
      label="Storage"
      count={`${formatBytes(storage.usedBytes)} of ${formatBytes(storage.limitBytes)}`}
      value={storage.usedBytes / storage.limitBytes}
      barLabel="Storage used"
      tone={nearlyFull ? 'danger' : 'accent'}
      full={full}
    >
      {full && (
        <p className="meter__text" role="status">
          Your library is full. Delete documents you no longer need to upload more.
        </p>
      )}
    </Meter>
  );
}
