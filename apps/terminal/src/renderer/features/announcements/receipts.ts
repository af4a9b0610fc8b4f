/**
 * Receipts the hub must get (delivered, played, acknowledged, safety answers). Sent at once when
 * connected; kept (also across a reload) and sent again after reconnecting when they could not be
 * stored. The hub acks only after its commit, so an ok ack means the receipt is safe.
 */
import type { ReceiptPayload } from '@tsunagu/protocol';
import { type AckEmitter, ackWithTimeout } from '../../connection/ack';
import type { InboxStorage } from './inbox';

const KEY = 'tsunagu.terminal.receipts';
/** Answers that will never succeed however often they are sent. */
const PERMANENT = new Set(['NOT_FOUND', 'VALIDATION_FAILED', 'FORBIDDEN']);

export class ReceiptOutbox {
  private queue: ReceiptPayload[] = [];
  private flushing = false;

  constructor(private readonly storage: InboxStorage | null = null) {
    try {
      const raw = storage?.getItem(KEY);
      if (raw) this.queue = (JSON.parse(raw) as ReceiptPayload[]).filter((r) => typeof r?.announcementId === 'number');
    } catch {
      this.queue = [];
    }
  }

  pending(): readonly ReceiptPayload[] {
    return this.queue;
  }

  /** True when the hub stored it; false when it was queued for later. */
  async send(socket: AckEmitter, receipt: ReceiptPayload): Promise<boolean> {
    const result = await ackWithTimeout(socket, 'announcement:receipt', receipt, 10_000);
    if (result.ok) return true;
    if (PERMANENT.has(result.error.code)) return false;
    this.queue.push(receipt);
    this.save();
    return false;
  }

  /** Sends what is queued, oldest first; stops at the first failure that may succeed later. */
  async flush(socket: AckEmitter): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const result = await ackWithTimeout(socket, 'announcement:receipt', this.queue[0]!, 10_000);
        if (!result.ok && !PERMANENT.has(result.error.code)) break;
        this.queue.shift();
        this.save();
      }
    } finally {
      this.flushing = false;
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(KEY, JSON.stringify(this.queue.slice(-500)));
    } catch {
      // Unavailable storage: the queue still lives until the page reloads.
    }
  }
}

export const outbox = new ReceiptOutbox(
  (() => {
    try {
      return typeof window !== 'undefined' ? window.localStorage : null;
    } catch {
      return null;
    }
  })(),
);
