/**
 * Group commit for check-ins. With synchronous=FULL every transaction costs a disk flush, so
 * check-ins arriving within the same turn of the event loop (a few ms under load) are written in one
 * transaction, and each caller's promise settles only after that transaction has committed: a
 * terminal is never acknowledged for a check-in that is not on disk. One batch is committed at a
 * time: on PostgreSQL (a commit takes a round trip) what arrives meanwhile forms the next batch.
 *
 * The flush is scheduled with setImmediate, not the injected clock: batching is about I/O, not about
 * time in the domain, and a fake clock must not be able to hold a check-in back.
 */
import type { CheckinInput, CheckinLedger, CheckinOutcome } from './store';

export interface CheckinWriter {
  submit(input: CheckinInput): Promise<Extract<CheckinOutcome, { ok: true }>>;
  /** Settles when everything submitted so far has been committed. */
  drain(): Promise<void>;
  stats(): { batches: number; checkins: number; largestBatch: number };
}

export interface WriterOptions {
  /** Largest batch in one transaction; the rest go in the next flush. */
  maxBatch?: number;
  /** Called after each committed batch (metrics). */
  onBatch?: (size: number, ms: number) => void;
}

interface Pending {
  input: CheckinInput;
  resolve: (r: Extract<CheckinOutcome, { ok: true }>) => void;
  reject: (err: unknown) => void;
}

export function createCheckinWriter(store: CheckinLedger, options: WriterOptions = {}): CheckinWriter {
  const maxBatch = options.maxBatch ?? 1000;
  let queue: Pending[] = [];
  let scheduled = false;
  let committing = false;
  let waiters: (() => void)[] = [];
  const totals = { batches: 0, checkins: 0, largestBatch: 0 };

  function schedule() {
    if (scheduled || committing) return;
    scheduled = true;
    setImmediate(() => void flush());
  }

  async function commit(batch: Pending[]) {
    const started = performance.now();
    let outcomes: CheckinOutcome[];
    try {
      outcomes = await store.commitCheckins(batch.map((p) => p.input));
    } catch (err) {
      // The whole transaction failed (disk full, database closed): nobody is acknowledged.
      for (const p of batch) p.reject(err);
      outcomes = [];
    }
    totals.batches++;
    totals.checkins += outcomes.length;
    totals.largestBatch = Math.max(totals.largestBatch, batch.length);
    options.onBatch?.(batch.length, performance.now() - started);
    outcomes.forEach((o, i) => {
      const p = batch[i]!;
      if (o.ok) p.resolve(o);
      else p.reject(o.error);
    });
  }

  async function flush() {
    scheduled = false;
    committing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        await commit(batch);
      }
    } finally {
      committing = false;
    }
    const w = waiters;
    waiters = [];
    for (const fn of w) fn();
  }

  return {
    submit(input) {
      return new Promise((resolve, reject) => {
        queue.push({ input, resolve, reject });
        schedule();
      });
    },
    drain() {
      if (queue.length === 0 && !scheduled && !committing) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    stats: () => ({ ...totals }),
  };
}
