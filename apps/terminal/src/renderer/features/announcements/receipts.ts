/**
 * Receipts the hub must get (delivered, played, acknowledged, safety answers), through the
 * terminal's one persistent outbox: sent at once when connected, kept (also across a reload or
 * power cut) and sent again after reconnecting, or after a backoff when the hub could not store them. The hub acks only
 * after its commit, so an ok ack means the receipt is safe.
 */
import type { ReceiptPayload } from '@tsunagu/protocol';
import { type AckEmitter, ackWithTimeout } from '../../connection/ack';
import { OUTBOX_MAX, PersistentOutbox, type RetryTimers } from '../../connection/outbox';

const KEY = 'tsunagu.terminal.receipts';

const isReceipt = (x: unknown): x is ReceiptPayload =>
  typeof x === 'object' && x !== null && typeof (x as ReceiptPayload).announcementId === 'number';

export class ReceiptOutbox extends PersistentOutbox<ReceiptPayload> {
  constructor(storage: Pick<Storage, 'getItem' | 'setItem'> | null = null, timers?: RetryTimers) {
    super(storage, KEY, { max: OUTBOX_MAX, valid: isReceipt, timers });
  }

  /** True when the hub stored it; false when it was kept for later (or refused for good). */
  send(socket: AckEmitter, receipt: ReceiptPayload): Promise<boolean> {
    return this.submit(receipt, (r) => ackWithTimeout(socket, 'announcement:receipt', r, 10_000));
  }

  /** Sends what is kept, oldest first. */
  flushTo(socket: AckEmitter): Promise<void> {
    return this.flush((r) => ackWithTimeout(socket, 'announcement:receipt', r, 10_000));
  }
}
