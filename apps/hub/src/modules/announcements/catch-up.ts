/**
 * The catch-up list every terminal is sent when it connects, from the set of published
 * announcements read once per change of that set, not once per terminal: after a hub restart ten
 * thousand terminals connect within seconds and each asked the database for the same few
 * announcements (joined with its targets). Each announcement's targeted households are kept as a
 * sorted array (4 bytes a household). Any write through the announcements store drops the set; it is
 * read again at the next connect. The household's own receipt state is still read per household.
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import type { ReceiptsStore } from './receipt-store';
import type { AnnouncementRecord, AnnouncementsStore } from './store';
import { householdView, SYNC_LIMIT, withReceiptStates } from './views';

/** Beyond this many published announcements the set is not kept (the per-household query serves). */
const MAX_KEPT = 200;

/** The store's methods that only read: every other call may change the published set. */
const READS = new Set<string>([
  'get',
  'withCounts',
  'listWithCounts',
  'byStatus',
  'revision',
  'activeForHousehold',
  'targetHouseholdIds',
  'counts',
  'resolveTarget',
  'countTerminals',
  'capMessage',
  'getSetting',
]);

/** `store`, calling `changed` after each of its writes (a new store method counts as a write until listed above). */
export function notifyingWrites(store: AnnouncementsStore, changed: () => void): AnnouncementsStore {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function' || READS.has(String(key))) return value;
      let w = wrapped.get(key);
      if (!w) {
        const fn = value as (...args: unknown[]) => unknown;
        w = (...args: unknown[]) => {
          try {
            return fn.apply(target, args);
          } finally {
            changed();
          }
        };
        wrapped.set(key, w);
      }
      return w;
    },
  });
}

function targets(sorted: Int32Array, householdId: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === householdId) return true;
    if (v < householdId) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

interface Kept {
  /** Newest first, as the per-household query orders them. */
  announcements: { a: AnnouncementRecord; households: Int32Array }[];
}

export interface CatchUp {
  forHousehold(householdId: number, now: number): Promise<TerminalAnnouncement[]>;
  /** The published set may have changed: read it again when next asked. */
  changed(): void;
}

export function createCatchUp(store: AnnouncementsStore, receipts: ReceiptsStore): CatchUp {
  let kept: Kept | null | 'too-many' = null;
  const load = (): Kept | 'too-many' => {
    const published = store.byStatus('published');
    if (published.length > MAX_KEPT) return 'too-many';
    const newestFirst = published.sort((x, y) => (y.publishedAt ?? 0) - (x.publishedAt ?? 0) || y.id - x.id);
    return {
      // Sorted here, not by trusting the query's ORDER BY: `targets` searches it by halves.
      announcements: newestFirst.map((a) => ({
        a,
        households: Int32Array.from(store.targetHouseholdIds(a.id)).sort(),
      })),
    };
  };
  return {
    async forHousehold(householdId, now) {
      kept ??= load();
      if (kept === 'too-many') return householdView(store, receipts, householdId, now);
      const list: AnnouncementRecord[] = [];
      for (const { a, households } of kept.announcements) {
        if (list.length === SYNC_LIMIT) break;
        if ((a.expiresAt === null || a.expiresAt > now) && targets(households, householdId)) list.push(a);
      }
      return withReceiptStates(receipts, householdId, list.reverse());
    },
    changed() {
      kept = null;
    },
  };
}
