/**
 * Group commit for receipts: with 10,000 terminals reporting delivered/played/acknowledged at once,
 * one transaction per receipt would be the bottleneck. Receipts queue for a few milliseconds, are
 * written in one transaction, and only then is each terminal answered (so an ack means "stored").
 */
import type { ReceiptWrite } from './store';

interface Pending {
  write: ReceiptWrite;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export const RECEIPT_BATCH_WINDOW_MS = 5;
export const RECEIPT_BATCH_MAX = 2000;

export class ReceiptBatcher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly commit: (writes: ReceiptWrite[]) => void,
    private readonly committed: (writes: ReceiptWrite[]) => void,
    private readonly onError: (err: unknown) => void,
    private readonly windowMs = RECEIPT_BATCH_WINDOW_MS,
  ) {}

  add(write: ReceiptWrite): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The hub is shutting down.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.queue.length >= RECEIPT_BATCH_MAX) this.flush();
      // The batching window is a throughput knob, not a deadline: a plain timer on purpose.
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.windowMs);
    });
  }

  /** Commits everything queued now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      this.commit(batch.map((p) => p.write));
    } catch (err) {
      this.onError(err);
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) p.resolve();
    try {
      this.committed(batch.map((p) => p.write));
    } catch (err) {
      this.onError(err);
    }
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}
