import { useEffect, useState } from 'react';

/** Whether the chat list's drawer is open; it only exists on a narrow screen, so widening closes it. */
export function useSessionDrawer(narrow: boolean) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!narrow) setOpen(false);
  }, [narrow]);
  return { open, setOpen };
}
