import type { DocumentDto } from '@classchat/contracts';
import { UploadDropzone, UploadQueue } from './UploadDropzone.js';
import { useUploads } from './useUploads.js';

/** The drop zone, uploading into the selected class (or none), and the files on their way. */
export function LibraryUploads({
  classId,
  className,
  onUploaded,
}: {
  classId: string | null;
  /** The selected class's name, null when no class is selected. */
  className: string | null;
  onUploaded: (doc: DocumentDto) => void;
}) {
  const uploads = useUploads(onUploaded);
  return (
    <>
      <UploadDropzone
        targetLabel={className ?? 'no class'}
        onFiles={(files) => uploads.addFiles(files, classId)}
      />
      <UploadQueue items={uploads.items} onDismiss={uploads.dismiss} />
    </>
  );
}
