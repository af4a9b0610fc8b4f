/**
 * Receipts: what terminals report (delivered, played, acknowledged, answered), group-committed,
 * counted live for city hall, and the follow-up list of households to call.
 *
 * Group commit: with 10,000 terminals reporting at once, one transaction per receipt would be the
 * bottleneck. Receipts queue for a few milliseconds, are written in one transaction, and only once it
 * has committed is each terminal answered (so an ack means "stored"; a failed batch answers each
 * of its terminals with the error, and they send again).
 */
import type { FollowUpHousehold, ReceiptPayload } from '@tsunagu/protocol';
import { Counter, Histogram } from 'prom-client';
import type { HubContext } from '../../context';
import { badRequest, notFound } from '../../lib/errors';
import { storageProblemOf } from '../../lib/storage-errors';
import { rooms } from '../../plugins/socket';
import type { FollowUpRow, ReceiptsStore, ReceiptWrite } from './receipt-store';
import type { AnnouncementsStore } from './store';

interface Pending {
  write: ReceiptWrite;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export const RECEIPT_BATCH_WINDOW_MS = 5;
export const RECEIPT_BATCH_MAX = 2000;
/**
 * A commit (on SQLite one disk flush with synchronous=FULL) blocks the event loop. In a reconnect storm the
 * receipts arrive at the connect rate, a few per 5 ms window, and a flush every window took a large
 * share of the loop the connects needed: the next batch waits this many times as long as the last
 * commit took, so committing takes at most about a fifth of the time.
 */
export const RECEIPT_COMMIT_SHARE = 4;
/** …but never longer than this: a receipt is acknowledged once stored. */
export const RECEIPT_BATCH_WINDOW_MAX_MS = 250;

export class ReceiptBatcher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** How long the last commit took (ms). */
  private lastCommitMs = 0;

  constructor(
    private readonly commit: (writes: ReceiptWrite[]) => Promise<void>,
    private readonly committed: (writes: ReceiptWrite[]) => void,
    private readonly onError: (err: unknown) => void,
    private readonly windowMs = RECEIPT_BATCH_WINDOW_MS,
    /** A monotonic clock for the commit's duration (performance.now; tests pass their own). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The batching window now: the base window, or longer after a slow commit. */
  window(): number {
    return Math.min(RECEIPT_BATCH_WINDOW_MAX_MS, Math.max(this.windowMs, this.lastCommitMs * RECEIPT_COMMIT_SHARE));
  }

  add(write: ReceiptWrite): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The hub is shutting down.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.queue.length >= RECEIPT_BATCH_MAX) void this.flush();
      // The batching window is a throughput knob, not a deadline: a plain timer on purpose.
      else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.window());
    });
  }

  /** Batches being committed: `close` waits for them. */
  private committing = new Set<Promise<void>>();
  /**
   * The batch before: a batch commits after it. On PostgreSQL two batches at once (a full batch
   * flushed while the one before commits) that both name a receipt row, in another order, deadlock
   * and one is refused whole (30,000 receipts at once did); on SQLite units of work queue anyway.
   */
  private previous: Promise<void> = Promise.resolve();

  /** Commits everything queued now; resolves once it has committed (or failed). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return Promise.resolve();
    // commitBatch never rejects: a failed batch rejects its receipts, and the next one still goes.
    const done = this.previous.then(() => this.commitBatch(batch));
    this.previous = done;
    this.committing.add(done);
    void done.then(() => this.committing.delete(done));
    return done;
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    const started = this.now();
    try {
      await this.commit(batch.map((p) => p.write));
      this.lastCommitMs = this.now() - started;
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

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await Promise.all(this.committing);
  }
}

export interface Receipts {
  /** Stores a terminal's receipt (resolves once committed). */
  record(terminal: { terminalId: number; householdId: number }, p: ReceiptPayload): Promise<void>;
  /** Households to call: those who asked for help first, then those who have not answered. */
  followUps(
    announcementId: number,
    safetyCheck: boolean,
    sort: 'district' | 'needsAssistance',
  ): Promise<FollowUpHousehold[]>;
  /** Commits queued receipts and stops. */
  stop(): Promise<void>;
}

/** The shortest wait between two recounts of the live receipt counts. */
export const COUNTS_MIN_GAP_MS = 100;
/** The longest: staff see the counts move at least every two seconds however slow a recount. */
const COUNTS_MAX_GAP_MS = 2_000;
/** The wait before the next recount after one that took `tookMs`: ten times as long, within bounds. */
export function countsGap(tookMs: number): number {
  return Math.min(COUNTS_MAX_GAP_MS, Math.max(COUNTS_MIN_GAP_MS, Math.round(tookMs * 10)));
}

export function createReceipts(
  ctx: HubContext,
  store: AnnouncementsStore,
  receipts: ReceiptsStore,
  /** A published announcement's targets as the catch-up list keeps them (catch-up.ts): true, or not known. */
  knownTarget: (announcementId: number, householdId: number) => true | undefined = () => undefined,
): Receipts {
  const written = new Counter({
    name: 'tsunagu_announcement_receipts_total',
    help: 'Announcement receipts stored, by stage',
    labelNames: ['stage'],
    registers: [ctx.metrics.registry],
  });
  const batchSize = new Histogram({
    name: 'tsunagu_announcement_receipt_batch_size',
    help: 'Receipts committed per transaction (group commit)',
    buckets: [1, 5, 20, 100, 500, 2000],
    registers: [ctx.metrics.registry],
  });

  // Live counters: at most a few recounts a second however many terminals answer at once, and
  // never more than a tenth of the event loop: a recount over 10,000 receipts takes tens of ms, and
  // in a reconnect storm one every 100 ms took a third of the hub's time the connects needed.
  // (A rate limit, not a deadline: plain timers, so it also runs under a fake clock.)
  const dirty = new Set<number>();
  let countsTimer: NodeJS.Timeout | null = null;
  let countsGapMs = COUNTS_MIN_GAP_MS;
  const flushCounts = () => {
    countsTimer = null;
    const ids = [...dirty];
    dirty.clear();
    const started = performance.now();
    void Promise.allSettled(
      ids.map((id) =>
        store.counts(id).then(
          (counts) =>
            ctx.sockets.staff
              .to(rooms.role('cityhall'))
              .emit('announcement:receiptsChanged', { announcementId: id, counts }),
          (err: unknown) => storageProblemOf(err) === null && ctx.log.error({ err }, 'receipt counts failed'),
        ),
      ),
    ).then(() => {
      countsGapMs = countsGap(performance.now() - started);
    });
  };
  const batcher = new ReceiptBatcher(
    (writes) => receipts.writeReceipts(writes),
    (writes) => {
      batchSize.observe(writes.length);
      for (const w of writes) {
        written.inc({ stage: w.stage });
        dirty.add(w.announcementId);
        if (w.stage === 'acknowledged' || w.stage === 'answered') {
          ctx.events.emit('household.activity', {
            householdId: w.householdId,
            kind: 'announcement_acknowledged',
            at: w.at,
          });
        }
        // 助けが必要です lands with a person: a watch alert to the household's watchers and city hall.
        if (w.stage === 'answered' && w.answer === 'need_help') {
          ctx.events.emit('household.helpRequested', {
            householdId: w.householdId,
            source: 'safety_check',
            announcementId: w.announcementId,
            at: w.at,
          });
        }
      }
      if (!countsTimer) countsTimer = setTimeout(flushCounts, countsGapMs);
    },
    // Storage problems are answered STORAGE_UNAVAILABLE to each terminal and logged summarised there.
    (err) => storageProblemOf(err) === null && ctx.log.error({ err }, 'receipt batch failed'),
  );

  return {
    async record(terminal, p) {
      // Answered at once where it can be (the kept targets of a published announcement, else
      // SQLite's query): 10,000 receipts after a fan-out do not each wait for a query, nor run one.
      const targeted =
        knownTarget(p.announcementId, terminal.householdId) ??
        receipts.isTargetedNow?.(p.announcementId, terminal.householdId) ??
        (await receipts.isTargeted(p.announcementId, terminal.householdId));
      if (!targeted) throw notFound('announcement');
      if (p.stage === 'answered' && !p.answer) {
        throw badRequest('VALIDATION_FAILED', 'A safety answer (safe or need_help) is required.', [
          { path: 'payload.answer', message: 'is required' },
        ]);
      }
      if (p.stage !== 'answered' && p.answer) {
        throw badRequest('VALIDATION_FAILED', 'An answer is only sent with stage "answered".', [
          { path: 'payload.answer', message: 'is not allowed here' },
        ]);
      }
      await batcher.add({
        announcementId: p.announcementId,
        terminalId: terminal.terminalId,
        householdId: terminal.householdId,
        stage: p.stage,
        ...(p.answer ? { answer: p.answer } : {}),
        at: ctx.clock.now(),
      });
    },

    followUps: async (announcementId, safetyCheck, sort) =>
      followUpList(await receipts.followUpRows(announcementId), safetyCheck, sort),

    async stop() {
      if (countsTimer) clearTimeout(countsTimer);
      countsTimer = null;
      await batcher.close();
    },
  };
}

function followUpList(
  rows: FollowUpRow[],
  safetyCheck: boolean,
  sort: 'district' | 'needsAssistance',
): FollowUpHousehold[] {
  const out: FollowUpHousehold[] = [];
  for (const r of rows) {
    let state: FollowUpHousehold['state'] | null = null;
    if (r.needHelp) state = 'need_help';
    else if (safetyCheck ? !r.safe : !r.acknowledged) state = 'not_answered';
    if (!state) continue;
    out.push({
      householdId: r.householdId,
      name: r.name,
      address: r.address,
      phone: r.phone,
      districtId: r.districtId,
      districtName: r.districtName,
      needsAssistance: r.needsAssistance,
      state,
      delivered: r.delivered,
      hasTerminal: r.hasTerminal,
    });
  }
  // Those who asked for help first, then the chosen order.
  const byState = (x: FollowUpHousehold) => (x.state === 'need_help' ? 0 : 1);
  return out.sort((x, y) => {
    if (byState(x) !== byState(y)) return byState(x) - byState(y);
    if (sort === 'needsAssistance' && x.needsAssistance !== y.needsAssistance) return x.needsAssistance ? -1 : 1;
    if (x.districtId !== y.districtId) return x.districtId - y.districtId;
    if (sort === 'district' && x.needsAssistance !== y.needsAssistance) return x.needsAssistance ? -1 : 1;
    return x.householdId - y.householdId;
  });
}
