import type { ReceiptWrite } from './receipt-store';
import {
  COUNTS_MIN_GAP_MS,
  countsGap,
  RECEIPT_BATCH_MAX,
  RECEIPT_BATCH_WINDOW_MAX_MS,
  RECEIPT_BATCH_WINDOW_MS,
  RECEIPT_COMMIT_SHARE,
  ReceiptBatcher,
} from './receipts';

const receipt = (terminalId: number): ReceiptWrite => ({
  announcementId: 1,
  terminalId,
  householdId: terminalId,
  stage: 'delivered',
  at: 0,
});

describe('receipt group commit', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A batcher whose commit "takes" `commitMs[i]` on the i-th call, on a clock the test moves. */
  function batcher(commitMs: number[]) {
    let clock = 0;
    const batches: number[][] = [];
    const b = new ReceiptBatcher(
      async (writes) => {
        batches.push(writes.map((w) => w.terminalId));
        clock += commitMs[batches.length - 1] ?? 0;
      },
      () => {},
      (err) => {
        throw err;
      },
      RECEIPT_BATCH_WINDOW_MS,
      () => clock,
    );
    return { b, batches };
  }

  it('commits what arrived within the window in one transaction, and only then resolves', async () => {
    const { b, batches } = batcher([1]);
    let stored = 0;
    for (const id of [1, 2, 3]) void b.add(receipt(id)).then(() => stored++);
    await jest.advanceTimersByTimeAsync(RECEIPT_BATCH_WINDOW_MS - 1);
    expect(batches).toEqual([]);
    expect(stored).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(stored).toBe(3);
  });

  it('after a slow commit, waits longer before the next one, so commits cannot take the whole event loop', async () => {
    const slow = 20;
    const { b, batches } = batcher([slow, 1, 1]);
    void b.add(receipt(1));
    await jest.advanceTimersByTimeAsync(RECEIPT_BATCH_WINDOW_MS);
    expect(batches).toHaveLength(1);
    expect(b.window()).toBe(slow * RECEIPT_COMMIT_SHARE);

    // Receipts arriving now wait the longer window, then go in one commit.
    for (const id of [2, 3, 4]) void b.add(receipt(id));
    await jest.advanceTimersByTimeAsync(RECEIPT_BATCH_WINDOW_MS);
    expect(batches).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(slow * RECEIPT_COMMIT_SHARE - RECEIPT_BATCH_WINDOW_MS);
    expect(batches).toEqual([[1], [2, 3, 4]]);

    // A fast commit brings the window back to the base.
    expect(b.window()).toBe(RECEIPT_BATCH_WINDOW_MS);
  });

  it('commits one batch at a time: a full batch flushed while the one before commits waits for it', async () => {
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const b = new ReceiptBatcher(
      async (writes) => {
        started.push(writes.length);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight -= 1;
      },
      () => {},
      (err) => {
        throw err;
      },
    );
    const stored = Array.from({ length: RECEIPT_BATCH_MAX * 2 + 1 }, (_, i) => b.add(receipt(i)));
    await jest.advanceTimersByTimeAsync(100);
    await Promise.all(stored);
    expect(started).toEqual([RECEIPT_BATCH_MAX, RECEIPT_BATCH_MAX, 1]);
    expect(most).toBe(1);
  });

  it('never waits longer than the longest window, however slow the disk', async () => {
    const { b, batches } = batcher([10_000]);
    void b.add(receipt(1));
    await jest.advanceTimersByTimeAsync(RECEIPT_BATCH_WINDOW_MS);
    expect(b.window()).toBe(RECEIPT_BATCH_WINDOW_MAX_MS);
    void b.add(receipt(2));
    await jest.advanceTimersByTimeAsync(RECEIPT_BATCH_WINDOW_MAX_MS);
    expect(batches).toEqual([[1], [2]]);
  });
});

describe("city hall's live receipt counts", () => {
  it('are recounted at most every 100 ms, and after a slow recount ten times as long later (within 2 s)', () => {
    expect(countsGap(0.5)).toBe(COUNTS_MIN_GAP_MS);
    expect(countsGap(9)).toBe(COUNTS_MIN_GAP_MS);
    // A recount over a 10,000-household emergency's receipts takes tens of ms: it gets a tenth of the loop.
    expect(countsGap(30)).toBe(300);
    expect(countsGap(900)).toBe(2_000);
  });
});
