/**
 * One persistent outbox for everything the hub must get from this terminal even across an outage
 * or a power cut (announcement receipts, check-ins): kept in storage until the hub acknowledges it,
 * sent oldest first, dropped only when the hub refuses it for good, capped so a broken terminal
 * cannot grow it without bound. Sent again on every connection, and — while connected — after a
 * backoff when the hub said "not now" (STORAGE_UNAVAILABLE: its disk is full) or did not answer.
 */
import type { Ack, ErrorInfo } from '@tsunagu/protocol';
import { AckErrorCodes } from './ack';
import { type BackoffOptions, backoffDelay } from './backoff';

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

/** The most any outbox keeps: days of receipts and check-ins for a terminal cut off from the hub. */
export const OUTBOX_MAX = 500;

/** Answers after which sending again cannot help. */
export const PERMANENT_CODES: ReadonlySet<string> = new Set([
  'NOT_FOUND',
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'BAD_REQUEST',
]);

/**
 * Sending again while connected: from the hub's hint (`retryAfterSeconds`, 30 s without one),
 * doubling to at most 5 minutes, jittered so a thousand terminals refused together do not all come
 * back in the same second.
 */
export const RETRY_LATER: BackoffOptions = { initialMs: 30_000, maxMs: 5 * 60_000, jitter: 0.3 };

/** Timers for the retries (a fake in tests). */
export interface RetryTimers {
  setTimeout(fn: () => void, ms: number): { cancel(): void };
  random(): number;
}

const realTimers: RetryTimers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
  random: Math.random,
};

export interface OutboxOptions<T> {
  /** Most items kept; the oldest go first past it. */
  max: number;
  /** Items read back from storage that are not of this shape are dropped. */
  valid(item: unknown): item is T;
  /** An item that replaces a queued one (e.g. a mood for a check-in already kept). */
  replaces?(next: T, queued: T): boolean;
  timers?: RetryTimers;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export class PersistentOutbox<T> {
  private flushing: Promise<void> | null = null;
  private memory: T[] = [];
  private retry: { cancel(): void } | null = null;
  private retryAttempt = 0;

  constructor(
    private readonly storage: Storage | null,
    private readonly key: string,
    private readonly options: OutboxOptions<T>,
  ) {}

  pending(): T[] {
    if (!this.storage) return [...this.memory];
    try {
      const raw = this.storage.getItem(this.key);
      const list: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(list) ? list.filter((item) => this.options.valid(item)) : [];
    } catch {
      return [];
    }
  }

  /** Keeps `item` (replacing a queued one it supersedes) until the hub has it. */
  add(item: T): void {
    const replaces = this.options.replaces;
    this.save([...this.pending().filter((q) => !replaces?.(item, q)), item]);
  }

  /**
   * Sends every kept item, oldest first; stops at the first that may succeed later and keeps it and
   * the rest: for the next connection when offline, after a backoff when connected (see RETRY_LATER).
   */
  flush(send: (item: T) => Promise<Ack<unknown>>): Promise<void> {
    return this.flushNow(send, false);
  }

  private flushNow(send: (item: T) => Promise<Ack<unknown>>, byRetry: boolean): Promise<void> {
    if (!this.flushing) {
      const run = async () => {
        let stoppedOn: ErrorInfo | null = null;
        for (const item of this.pending()) {
          const r = await send(item);
          if (!r.ok && !PERMANENT_CODES.has(r.error.code)) {
            stoppedOn = r.error;
            break;
          }
          // Only the exact item sent: one that replaced it meanwhile must still go.
          this.save(this.pending().filter((q) => !same(q, item)));
        }
        this.retryLater(stoppedOn, send, byRetry);
      };
      this.flushing = run().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }

  /** Keeps `item` and sends what is kept; true when the hub has stored this one. */
  async submit(item: T, send: (item: T) => Promise<Ack<unknown>>): Promise<boolean> {
    this.add(item);
    let stored = false;
    const tracking = async (sent: T) => {
      const r = await send(sent);
      if (same(sent, item)) stored = r.ok;
      return r;
    };
    // A flush already under way may have started before this item was kept: flush again after it.
    await this.flush(tracking);
    if (this.pending().some((q) => same(q, item))) await this.flush(tracking);
    return stored;
  }

  /**
   * Arms the one retry timer after a flush. The delay grows only when a retry itself failed: a
   * resident pressing again (or a reconnection) sends at once and keeps the current step.
   */
  private retryLater(stoppedOn: ErrorInfo | null, send: (item: T) => Promise<Ack<unknown>>, byRetry: boolean): void {
    this.retry?.cancel();
    this.retry = null;
    if (!stoppedOn) {
      this.retryAttempt = 0;
      return;
    }
    // Offline: the next connection sends what is kept.
    if (stoppedOn.code === AckErrorCodes.NOT_CONNECTED) return;
    if (byRetry) this.retryAttempt++;
    const hint = stoppedOn.retryAfterSeconds;
    const policy = hint !== undefined ? { ...RETRY_LATER, initialMs: Math.max(1, hint) * 1000 } : RETRY_LATER;
    const timers = this.options.timers ?? realTimers;
    const delay = backoffDelay(this.retryAttempt, policy, timers.random);
    this.retry = timers.setTimeout(() => {
      this.retry = null;
      void this.flushNow(send, true);
    }, delay);
  }

  private save(list: T[]): void {
    const kept = list.slice(-this.options.max);
    if (!this.storage) {
      this.memory = kept;
      return;
    }
    try {
      this.storage.setItem(this.key, JSON.stringify(kept));
    } catch {
      // Storage full or unavailable: keep it for this session at least.
      this.memory = kept;
    }
  }
}
