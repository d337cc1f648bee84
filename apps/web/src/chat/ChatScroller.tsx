import { useRef, type ReactNode } from 'react';
import { Icon } from '../ui/Icon.js';
import { useAutoScroll } from './useAutoScroll.js';

/**
 * The conversation's scroll area, kept at the newest message while the student is there, and the
 * "Latest" button back down once they scrolled up. `contentKey` changes whenever the content grows.
 */
export function ChatScroller({ contentKey, children }: { contentKey: string; children: ReactNode }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { pinned, scrollToBottom } = useAutoScroll(scrollRef, contentKey);
  return (
    <>
      <div className="chat__scroll" ref={scrollRef}>
        <div className="chat__inner">{children}</div>
      </div>
      {!pinned && (
        <button type="button" className="jump-latest" onClick={scrollToBottom} data-testid="jump-latest">
          <Icon name="arrowDown" size={16} /> Latest
        </button>
      )}
    </>
  );
}
