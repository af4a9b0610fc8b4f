/**
 * Check-ins kept on the terminal until the hub has acknowledged them (stored in localStorage, so a
 * power cut or reload does not lose them). Each carries a UUID idempotency key and the time it was
 * pressed: resending after a lost ack is safe, the hub counts each key once.
 */
import type { Ack, CheckinReceipt, CheckinSubmit, Mood } from '@tsunagu/protocol';

export const QUEUE_STORAGE_KEY = 'tsunagu.checkins.pending';
/** The hub ignores nothing, but a queue must not grow without bound on a broken terminal. */
export const MAX_QUEUED = 50;

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

/** Codes after which resending cannot help: drop the entry rather than retry forever. */
const PERMANENT = new Set(['VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST']);

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

export class CheckinQueue {
  private flushing: Promise<void> | null = null;
  constructor(
    private readonly storage: Storage,
    private readonly key = QUEUE_STORAGE_KEY,
  ) {}

  pending(): CheckinSubmit[] {
    try {
      const raw = this.storage.getItem(this.key);
      const list = raw ? (JSON.parse(raw) as CheckinSubmit[]) : [];
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }

  private save(list: CheckinSubmit[]): void {
    this.storage.setItem(this.key, JSON.stringify(list.slice(-MAX_QUEUED)));
  }

  /** Keeps a check-in (or a mood for one already sent: same key). */
  add(entry: CheckinSubmit): void {
    const list = this.pending().filter((e) => e.idempotencyKey !== entry.idempotencyKey);
    this.save([...list, entry]);
  }

  setMood(idempotencyKey: string, pressedAt: string, mood: Mood): void {
    this.add({ idempotencyKey, pressedAt, mood });
  }

  private remove(entry: CheckinSubmit): void {
    // Only the exact entry sent: a mood added meanwhile under the same key must still go.
    this.save(this.pending().filter((e) => !(e.idempotencyKey === entry.idempotencyKey && e.mood === entry.mood)));
  }

  /**
   * Sends every kept check-in, oldest first; keeps those the hub did not acknowledge (offline, no
   * answer) for the next try. Resolves with the receipts of those sent.
   */
  flush(send: (entry: CheckinSubmit) => Promise<Ack<CheckinReceipt>>): Promise<void> {
    if (!this.flushing) {
      const run = async () => {
        for (const entry of this.pending()) {
          const r = await send(entry);
          if (r.ok || PERMANENT.has(r.error.code)) this.remove(entry);
          else break; // not connected / no answer: try again on the next connect
        }
      };
      // Cleared in a later microtask, so an empty queue's flush cannot leave a stale promise behind.
      this.flushing = run().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }
}
