/**
 * The queues' recent history (answered, abandoned, handle times) and the figures city hall and the
 * shops see: speed of answer, abandonment, service level, handle time, calls per operator.
 */
import type { Clock } from '../../lib/clock';
import type { Figures, HistoryRecord, OperatorRecord, PositionInfo, QueueEntry, RouterConfig } from './router-model';

export class QueueStats {
  private history: HistoryRecord[] = [];
  /** The history by call (an ended call finds its record at once). */
  private readonly byCall = new Map<number, HistoryRecord>();
  /** Average handle time per queue, kept until a call of that queue ends (asked for at every queue change). */
  private readonly aht = new Map<number, number>();

  constructor(
    private readonly clock: Clock,
    private readonly config: RouterConfig,
    /** Calls still in progress keep their record past the window (their handle time is not known yet). */
    private readonly inProgress: (callId: number) => boolean,
  ) {}

  /** Loads past outcomes (e.g. from the database at start-up) so figures survive a restart. */
  load(records: HistoryRecord[]): void {
    this.history.push(...records);
    this.history.sort((a, b) => a.enqueuedAt - b.enqueuedAt);
    for (const r of records) this.byCall.set(r.callId, r);
    this.aht.clear();
  }

  record(r: HistoryRecord): void {
    this.history.push(r);
    this.byCall.set(r.callId, r);
    this.trim();
  }

  /** A call answered earlier ended after `handleMs`. */
  handled(callId: number, handleMs: number): void {
    const h = this.byCall.get(callId);
    if (!h) return;
    h.handleMs = handleMs;
    this.aht.delete(h.queueId);
  }

  /** Over the last 20 calls handled on this queue; 0 before any. */
  averageHandleMs(queueId: number): number {
    const known = this.aht.get(queueId);
    if (known !== undefined) return known;
    // The latest 20 by arrival, read from the end: a few records, not the whole day's history.
    let sum = 0;
    let n = 0;
    for (let i = this.history.length - 1; i >= 0 && n < 20; i--) {
      const r = this.history[i]!;
      if (r.queueId !== queueId || r.handleMs === null) continue;
      sum += r.handleMs;
      n++;
    }
    const value = n ? sum / n : 0;
    this.aht.set(queueId, value);
    return value;
  }

  figures(queueId: number, queue: readonly QueueEntry[]): Figures {
    this.trim();
    const recs = this.history.filter((r) => r.queueId === queueId);
    const answered = recs.filter((r) => r.answeredAt !== null);
    const abandoned = recs.filter((r) => r.abandonedAt !== null);
    const speeds = answered.map((r) => r.answeredAt! - r.enqueuedAt);
    const perOp = new Map<number, number>();
    for (const r of answered) if (r.operatorId !== null) perOp.set(r.operatorId, (perOp.get(r.operatorId) ?? 0) + 1);
    return {
      queueId,
      waitingNow: queue.filter((e) => !e.callback).length,
      callbacksWaiting: queue.filter((e) => e.callback).length,
      averageSpeedOfAnswerMs: speeds.length ? speeds.reduce((a, b) => a + b, 0) / speeds.length : 0,
      abandonmentRate: answered.length + abandoned.length ? abandoned.length / (answered.length + abandoned.length) : 0,
      answeredWithinServiceLevelShare: speeds.length
        ? speeds.filter((s) => s <= this.config.serviceLevelMs).length / speeds.length
        : 0,
      averageHandleMs: this.averageHandleMs(queueId),
      callsPerOperator: [...perOp.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([operatorId, n]) => ({ operatorId, answered: n })),
      answered: answered.length,
      abandoned: abandoned.length,
    };
  }

  private trim(): void {
    const since = this.clock.now() - this.config.statsWindowMs;
    if (this.history.length && this.history[0]!.enqueuedAt < since) {
      this.history = this.history.filter((r) => r.enqueuedAt >= since || this.inProgress(r.callId));
      this.byCall.clear();
      for (const r of this.history) this.byCall.set(r.callId, r);
      this.aht.clear();
    }
  }
}

/**
 * Places in one queue as they stand now: staffing and the average handle time are worked out once,
 * then each caller's place and estimate is O(1). Estimated wait = ⌈(place − free) / staffed⌉ × handle time.
 */
export function placesIn(
  queueId: number,
  ops: readonly OperatorRecord[],
  averageHandleMs: number,
): (entry: QueueEntry, position: number) => PositionInfo {
  const { staffed, free } = staffing(ops);
  return (entry, position) => ({
    callId: entry.callId,
    queueId,
    position,
    ahead: position - 1,
    estimatedWaitMs: staffed === 0 || position <= free ? 0 : Math.ceil((position - free) / staffed) * averageHandleMs,
    nobodyAvailable: staffed === 0,
    callback: entry.callback,
  });
}

function staffing(ops: readonly OperatorRecord[]): { staffed: number; free: number } {
  let staffed = 0;
  let free = 0;
  for (const o of ops) {
    if (o.availability !== 'away' || o.callId !== null) staffed++;
    if (o.availability === 'available' && o.callId === null) free++;
  }
  return { staffed, free };
}

/** What every estimate in a queue rests on: when it is unchanged, only moved callers' estimates change. */
placesIn.basis = (ops: readonly OperatorRecord[], averageHandleMs: number): string => {
  const { staffed, free } = staffing(ops);
  return `${staffed}:${free}:${averageHandleMs}`;
};
