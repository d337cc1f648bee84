import { useRef, useState, type DragEvent } from 'react';

/**
 * Files dropped on an element go to `onFiles`; `dragging` is true while files are held over it.
 * Entering a child fires enter before the parent's leave, so enters and leaves are counted.
 */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);

  const dropHandlers = {
    onDragEnter(e: DragEvent) {
      e.preventDefault();
      depth.current += 1;
      setDragging(true);
    },
    onDragOver(e: DragEvent) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave() {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop(e: DragEvent) {
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      const files = Array.from(e.dataTransfer.files);
      if (files.length > 0) onFiles(files);
    },
  };

  return { dragging, dropHandlers };
}
