/**
 * Unread announcement count for the home badge. Extension point: the announcements feature will
 * keep this count from `announcement:*` events (persisted on the hub, replayed on reconnect).
 * Until then there is nothing to count, so the badge stays hidden rather than invent a number.
 */
import { useSyncExternalStore } from 'react';

let unread = 0;
const listeners = new Set<() => void>();

export function setUnreadAnnouncements(count: number): void {
  unread = Math.max(0, Math.floor(count));
  for (const l of listeners) l();
}

export function useUnreadAnnouncements(): number {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => unread,
  );
}
