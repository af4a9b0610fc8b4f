/**
 * Check-ins kept on the terminal until the hub has acknowledged them (the terminal's one persistent
 * outbox, so a power cut or reload does not lose them). Each carries a UUID idempotency key and the
 * time it was pressed: resending after a lost ack is safe, the hub counts each key once.
 */
import type { CheckinSubmit, Mood } from '@tsunagu/protocol';
import { OUTBOX_MAX, PersistentOutbox, type RetryTimers } from '../../connection/outbox';

export const QUEUE_STORAGE_KEY = 'tsunagu.checkins.pending';

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

const isCheckin = (x: unknown): x is CheckinSubmit =>
  typeof x === 'object' && x !== null && typeof (x as CheckinSubmit).idempotencyKey === 'string';

export class CheckinQueue extends PersistentOutbox<CheckinSubmit> {
  constructor(storage: Storage | null, key = QUEUE_STORAGE_KEY, timers?: RetryTimers) {
    super(storage, key, {
      max: OUTBOX_MAX,
      timers,
      valid: isCheckin,
      // A mood chosen after pressing goes under the same key, replacing the plain check-in.
      replaces: (next, queued) => next.idempotencyKey === queued.idempotencyKey,
    });
  }

  setMood(idempotencyKey: string, pressedAt: string, mood: Mood): void {
    this.add({ idempotencyKey, pressedAt, mood });
  }
}
