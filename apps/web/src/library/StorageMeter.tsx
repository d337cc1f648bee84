import type { StorageUsage } from '@classchat/contracts';
import { formatBytes } from '../ui/format.js';
import { ProgressBar } from '../ui/ProgressBar.js';

/** What the user's documents take of their storage quota: "12 MB of 500 MB". */
export function StorageMeter({ storage }: { storage: StorageUsage | null }) {
  if (!storage) return null;
  const full = storage.usedBytes >= storage.limitBytes;
  const nearlyFull = storage.usedBytes >= storage.limitBytes * 0.9;
  return (
    <div className={`storage${full ? ' storage--full' : ''}`} data-testid="storage-meter">
      <div className="storage__row">
        <span className="storage__label">Storage</span>
        <span className="storage__count" data-testid="storage-count">
          {formatBytes(storage.usedBytes)} of {formatBytes(storage.limitBytes)}
        </span>
      </div>
      <ProgressBar
        value={storage.usedBytes / storage.limitBytes}
        label="Storage used"
        tone={nearlyFull ? 'danger' : 'accent'}
      />
      {full && (
        <p className="storage__text" role="status">
          Your library is full. Delete documents you no longer need to upload more.
        </p>
      )}
    </div>
  );
}
