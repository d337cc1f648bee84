import type { SessionDto } from '@classchat/contracts';
import { recencyGroup } from '../ui/format.js';

export interface SessionGroup {
  label: string;
  items: SessionDto[];
}

/** Chats, most recently used first, in runs by recency ("Today", "Yesterday", …) as of `now`. */
export function groupSessionsByRecency(
  sessions: readonly SessionDto[],
  now: Date = new Date(),
): SessionGroup[] {
  const sorted = [...sessions].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const groups: SessionGroup[] = [];
  for (const s of sorted) {
    const label = recencyGroup(s.updatedAt, now);
    const group = groups.at(-1);
    if (group?.label === label) group.items.push(s);
    else groups.push({ label, items: [s] });
  }
  return groups;
}
