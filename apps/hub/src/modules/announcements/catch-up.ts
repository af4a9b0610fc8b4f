/**
 * The catch-up list every terminal is sent when it connects, from the set of published
 * announcements read once per change of that set, not once per terminal: after a hub restart ten
 * thousand terminals connect within seconds and each asked the database for the same few
 * announcements (joined with its targets). Each announcement's targeted households are kept as a
 * sorted array (4 bytes a household). Any write through the announcements store drops the set (and
 * so does another hub's change, heard on `ANNOUNCEMENTS_CHANNEL`); it is read again at the next
 * connect, once for all the terminals connecting meanwhile (a read a change overtook is read
 * again before it answers). The household's own receipt state is still read per household.
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import type { ReceiptsStore } from './receipt-store';
import type { AnnouncementRecord, AnnouncementsStore } from './store';
import { householdView, SYNC_LIMIT, withReceiptStates } from './views';

/** Beyond this many published announcements the set is not kept (the per-household query serves). */
const MAX_KEPT = 200;
/** Reads of the set one terminal waits for when changes keep overtaking them. */
const MAX_READS = 4;

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

/**
 * `store`, calling `changed` when each of its writes starts and again once it has settled (a new
 * store method counts as a write until listed above): a read that began before the write committed
 * is not kept.
 */
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
          changed();
          const out = fn.apply(target, args);
          return out instanceof Promise ? out.finally(changed) : out;
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
  /**
   * True when the kept set says this published announcement was sent to this household; undefined
   * when it does not know (not read yet, not kept, or not targeted as far as it knows: a target
   * added on another hub may not have been heard yet). Answered at once, for receipts.
   */
  targeted(announcementId: number, householdId: number): true | undefined;
  /** The published set may have changed: read it again when next asked. */
  changed(): void;
}

export function createCatchUp(store: AnnouncementsStore, receipts: ReceiptsStore): CatchUp {
  // The read in progress or done: every terminal connecting meanwhile waits for the same one, and a
  // change drops it (a read that was overtaken by a change still answers those already waiting).
  let kept: Promise<Kept | 'too-many'> | null = null;
  // The same once read: terminals connecting after it are answered without waiting for it.
  let settled: Kept | 'too-many' | null = null;
  const load = async (): Promise<Kept | 'too-many'> => {
    const published = await store.byStatus('published');
    if (published.length > MAX_KEPT) return 'too-many';
    const newestFirst = published.sort((x, y) => (y.publishedAt ?? 0) - (x.publishedAt ?? 0) || y.id - x.id);
    const announcements: Kept['announcements'] = [];
    for (const a of newestFirst) {
      // Sorted here, not by trusting the query's ORDER BY: `targets` searches it by halves.
      announcements.push({ a, households: Int32Array.from(await store.targetHouseholdIds(a.id)).sort() });
    }
    return { announcements };
  };
  /**
   * The read in progress, or a new one; kept once done unless a change overtook it. Overtaken, it
   * is read again before it answers (a few times at most): a terminal that was sent the change live
   * meanwhile (or saw it on another hub before it came here) would have it taken off its screen by
   * a list that misses it, and nothing would send it again.
   */
  const read = async (): Promise<Kept | 'too-many'> => {
    for (let attempt = 1; ; attempt++) {
      const reading = kept ?? load();
      kept = reading;
      let current: Kept | 'too-many';
      try {
        current = await reading;
      } catch (err) {
        // A failed read is not kept: the next one asks again.
        if (kept === reading) kept = null;
        throw err;
      }
      if (kept === reading) settled = current;
      if (kept === reading || attempt === MAX_READS) return current;
    }
  };
  return {
    async forHousehold(householdId, now) {
      const current = settled ?? (await read());
      if (current === 'too-many') return householdView(store, receipts, householdId, now);
      const list: AnnouncementRecord[] = [];
      for (const { a, households } of current.announcements) {
        if (list.length === SYNC_LIMIT) break;
        if ((a.expiresAt === null || a.expiresAt > now) && targets(households, householdId)) list.push(a);
      }
      return withReceiptStates(receipts, householdId, list.reverse());
    },
    targeted(announcementId, householdId) {
      // Not read since the last change (a publish is one): read it now, for the receipts and clip
      // downloads that follow; until then the caller asks the database.
      if (settled === null && kept === null) void read().catch(() => undefined);
      if (settled === null || settled === 'too-many') return undefined;
      const found = settled.announcements.find((k) => k.a.id === announcementId);
      return found && targets(found.households, householdId) ? true : undefined;
    },
    changed() {
      kept = null;
      settled = null;
    },
  };
}
