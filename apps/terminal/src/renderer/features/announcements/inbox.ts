/**
 * The terminal's copy of its announcements (the hub holds the truth): applies the hub's sync list
 * and live events, de-duplicates by id and version so each shows exactly once, and remembers which
 * ones were read, acknowledged and receipted (localStorage, so a reload does not repeat them).
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';

export interface InboxStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = 'tsunagu.terminal.announcements';

interface Persisted {
  /** id → version read on the announcements screen */
  read: Record<string, number>;
  /** ids whose `delivered` receipt the hub has stored */
  delivered: Record<string, true>;
}

export type InboxChange =
  | { type: 'new'; announcement: TerminalAnnouncement }
  | { type: 'updated'; announcement: TerminalAnnouncement }
  | { type: 'removed'; id: number };

export class AnnouncementInbox {
  private items = new Map<number, TerminalAnnouncement>();
  private persisted: Persisted = { read: {}, delivered: {} };
  private listeners = new Set<() => void>();
  private snapshot: TerminalAnnouncement[] = [];
  /** The hub's list has arrived once: from then on it, not the kept copy, says what exists. */
  private synced = false;

  constructor(private readonly storage: InboxStorage | null = null) {
    try {
      const raw = storage?.getItem(KEY);
      if (raw) {
        const parsed = JSON.parse(raw) as Partial<Persisted>;
        this.persisted = { read: parsed.read ?? {}, delivered: parsed.delivered ?? {} };
      }
    } catch {
      // A damaged store only costs a repeated chime.
    }
  }

  /**
   * What the terminal kept from before a reload or power cut, shown until the hub's own list
   * arrives: nothing in it is "new" (no chime), an unacknowledged emergency takes over again.
   */
  hydrate(list: readonly TerminalAnnouncement[]): void {
    // The kept copy opened after the hub answered: what the hub withdrew meanwhile must not return.
    if (this.synced) return;
    for (const a of list) if (!this.items.has(a.id)) this.items.set(a.id, a);
    this.changed();
  }

  /** The hub's authoritative list on (re)connect. Returns what is new, changed or gone. */
  applySync(list: TerminalAnnouncement[]): InboxChange[] {
    this.synced = true;
    const changes: InboxChange[] = [];
    const ids = new Set(list.map((a) => a.id));
    for (const id of [...this.items.keys()]) {
      if (!ids.has(id)) {
        this.items.delete(id);
        changes.push({ type: 'removed', id });
      }
    }
    for (const a of list) {
      const change = this.put(a);
      if (change) changes.push(change);
    }
    // Forget bookkeeping for announcements the hub no longer has.
    for (const key of Object.keys(this.persisted.read)) if (!ids.has(Number(key))) delete this.persisted.read[key];
    for (const key of Object.keys(this.persisted.delivered))
      if (!ids.has(Number(key))) delete this.persisted.delivered[key];
    this.changed();
    return changes;
  }

  /** A published or updated announcement; null when it is already shown (a duplicate). */
  apply(a: TerminalAnnouncement): InboxChange | null {
    const change = this.put(a);
    if (change) this.changed();
    return change;
  }

  remove(id: number): boolean {
    const had = this.items.delete(id);
    if (had) this.changed();
    return had;
  }

  /** Newest first, as the announcements screen lists them. */
  list(): TerminalAnnouncement[] {
    return this.snapshot;
  }

  get(id: number): TerminalAnnouncement | undefined {
    return this.items.get(id);
  }

  /** The oldest emergency not yet acknowledged: it takes over the screen. */
  pendingEmergency(): TerminalAnnouncement | null {
    return [...this.snapshot].reverse().find((a) => a.kind === 'emergency' && !a.acknowledged) ?? null;
  }

  unreadCount(): number {
    return this.snapshot.filter(
      (a) => a.kind !== 'emergency' && !a.acknowledged && (this.persisted.read[a.id] ?? 0) < a.version,
    ).length;
  }

  markRead(a: TerminalAnnouncement): void {
    if ((this.persisted.read[a.id] ?? 0) >= a.version) return;
    this.persisted.read[a.id] = a.version;
    this.changed();
  }

  /** Local state at once (the takeover ends when the resident taps); the receipt follows. */
  acknowledge(id: number, answer: TerminalAnnouncement['safetyAnswer'] = null): void {
    const a = this.items.get(id);
    if (!a) return;
    this.items.set(id, { ...a, acknowledged: true, safetyAnswer: answer ?? a.safetyAnswer });
    this.persisted.read[id] = a.version;
    this.changed();
  }

  needsDelivered(id: number): boolean {
    return !this.persisted.delivered[id];
  }

  markDelivered(id: number): void {
    this.persisted.delivered[id] = true;
    this.save();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): TerminalAnnouncement[] => this.snapshot;

  private put(a: TerminalAnnouncement): InboxChange | null {
    const known = this.items.get(a.id);
    if (known && known.version >= a.version) {
      // Same content again (sync after a live event, or a replayed packet): keep the local
      // acknowledgement, take the hub's if it knows more.
      if (a.acknowledged && !known.acknowledged)
        this.items.set(a.id, { ...known, acknowledged: true, safetyAnswer: a.safetyAnswer });
      return null;
    }
    this.items.set(a.id, a);
    return { type: known ? 'updated' : 'new', announcement: a };
  }

  private changed(): void {
    this.snapshot = [...this.items.values()].sort(
      (x, y) => (y.publishedAt ?? '').localeCompare(x.publishedAt ?? '') || y.id - x.id,
    );
    this.save();
    for (const l of this.listeners) l();
  }

  private save(): void {
    try {
      this.storage?.setItem(KEY, JSON.stringify(this.persisted));
    } catch {
      // Storage full or unavailable: the hub's list still drives the screen.
    }
  }
}
