import { useId, useRef } from 'react';
import { Icon } from '../ui/Icon.js';
import { formatBytes } from '../ui/format.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { ACCEPT_ATTRIBUTE, MAX_UPLOAD_BYTES } from './uploadRules.js';
import { useFileDrop } from './useFileDrop.js';
import type { UploadItem } from './useUploads.js';

/** Drop files here or pick them; several at once. */
export function UploadDropzone({
  onFiles,
  targetLabel,
}: {
  onFiles: (files: File[]) => void;
  targetLabel: string;
}) {
  const inputRef = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const { dragging, dropHandlers } = useFileDrop(onFiles);

  return (
    <div
      className={`dropzone${dragging ? ' dropzone--active' : ''}`}
      data-testid="upload-dropzone"
      {...dropHandlers}
    >
      <span className="dropzone__icon" aria-hidden="true">
        <Icon name="upload" size={22} />
      </span>
      <div className="dropzone__text">
        <p className="dropzone__title">
          Drop files here or{' '}
          <button
            type="button"
            className="link-btn"
            onClick={() => inputRef.current?.click()}
            data-testid="upload-pick"
          >
            choose files
          </button>
        </p>
        <p id={hintId} className="dropzone__hint">
          PDF, Word, Markdown or text · up to {formatBytes(MAX_UPLOAD_BYTES)} each · added to {targetLabel}
        </p>
      </div>
      <input
        ref={inputRef}
        type="file"
        multiple
        accept={ACCEPT_ATTRIBUTE}
        className="visually-hidden"
        aria-label="Choose files to upload"
        aria-describedby={hintId}
        tabIndex={-1}
        data-testid="upload-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </div>
  );
}

export function UploadQueue({ items, onDismiss }: { items: UploadItem[]; onDismiss: (id: string) => void }) {
  if (items.length === 0) return null;
  return (
    <ul className="upload-queue" aria-label="Uploads">
      {items.map((item) => (
        <li
          key={item.id}
          className={`upload-item upload-item--${item.status}`}
          data-testid="upload-item"
          data-status={item.status}
        >
          <Icon
            name={item.status === 'invalid' || item.status === 'failed' ? 'alert' : 'file'}
            className="upload-item__icon"
          />
          <div className="upload-item__main">
            <div className="upload-item__row">
              <span className="upload-item__name">{item.fileName}</span>
              <span className="upload-item__meta">
                {item.status === 'uploading' &&
                  `${Math.round(item.progress * 100)}% of ${formatBytes(item.size)}`}
                {item.status === 'done' && (item.duplicate ? 'Already in your library' : 'Uploaded')}
              </span>
            </div>
            {item.status === 'uploading' && (
              <ProgressBar value={item.progress} label={`Uploading ${item.fileName}`} />
            )}
            {item.error && (
              <p className="upload-item__error" role="alert" data-testid="upload-error">
                {item.error}
              </p>
            )}
          </div>
          {item.status !== 'done' && (
            <button
              type="button"
              className="icon-btn icon-btn--small"
              aria-label={
                item.status === 'uploading' ? `Cancel upload of ${item.fileName}` : `Dismiss ${item.fileName}`
              }
              onClick={() => onDismiss(item.id)}
            >
              <Icon name="close" size={16} />
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
