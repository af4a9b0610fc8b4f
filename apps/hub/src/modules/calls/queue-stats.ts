/**
 * The queues' recent history (answered, abandoned, handle times) and the figures city hall and the
 * shops see: speed of answer, abandonment, service level, handle time, calls per operator.
 */
import type { Clock } from '../../lib/clock';
import type { Figures, HistoryRecord, QueueEntry, RouterConfig } from './router-model';

export class QueueStats {
  private history: HistoryRecord[] = [];

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
  }

  record(r: HistoryRecord): void {
    this.history.push(r);
    this.trim();
  }

  /** A call answered earlier ended after `handleMs`. */
  handled(callId: number, handleMs: number): void {
    const h = this.history.find((r) => r.callId === callId);
    if (h) h.handleMs = handleMs;
  }

  /** Over the last 20 calls handled on this queue; 0 before any. */
  averageHandleMs(queueId: number): number {
    const handled = this.history.filter((r) => r.queueId === queueId && r.handleMs !== null).slice(-20);
    return handled.length ? handled.reduce((a, r) => a + r.handleMs!, 0) / handled.length : 0;
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
    if (this.history.length && this.history[0]!.enqueuedAt < since)
      this.history = this.history.filter((r) => r.enqueuedAt >= since || this.inProgress(r.callId));
  }
}
