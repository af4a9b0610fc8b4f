/**
 * Automatic call distribution, as a pure core: no sockets, no database, time only through the
 * injected clock. The calls service feeds it commands and turns its effects into messages.
 *
 * Rules (each has a test in router.test.ts):
 *  - operators are away until they say they are available; after each call they do after-call work
 *    for `afterCallWorkMs` (or until they end it) before the next ring;
 *  - callers are served first come, first served; a caller who hangs up leaves the queue at once;
 *    a caller who asks for a callback keeps their place;
 *  - the operator the resident spoke to last time is rung first, for `preferredRingMs`, if available;
 *    otherwise the longest-idle available operator; an unanswered ring moves on after `ringTimeoutMs`;
 *  - `maxMissedRings` missed rings in a row set the operator away;
 *  - an operator has at most one call (ringing or connected) at a time.
 * Its words (types, config, refusals) are in router-model.ts; queue figures in queue-stats.ts.
 */
import type { Clock } from '../../lib/clock';
import { ArrivalQueue } from './arrival-queue';
import { placesIn, QueueStats } from './queue-stats';
import {
  DEFAULT_ROUTER_CONFIG,
  type EnqueueInput,
  type Figures,
  type HistoryRecord,
  newOperator,
  type OperatorActivity,
  type OperatorRecord,
  outcome,
  type PositionInfo,
  type QueueEntry,
  type RingEndReason,
  type RouterConfig,
  type RouterEffect,
  RouterError,
} from './router-model';

export class CallRouter {
  /** Each queue's callers in order of arrival (places in O(log n)); and every queued call by id. */
  private readonly queues = new Map<number, ArrivalQueue<QueueEntry>>();
  /** What each queue's places were last worked out from: when it changes, every place may have. */
  private readonly placedWith = new Map<number, string>();
  private readonly byCall = new Map<number, QueueEntry>();
  private readonly operators = new Map<number, OperatorRecord>();
  /** Each queue's operators (online or not), so a queue's work never walks every operator. */
  private readonly staff = new Map<number, Set<OperatorRecord>>();
  private readonly active = new Map<number, { operatorId: number; answeredAt: number; queueId: number }>();
  readonly config: RouterConfig;
  private readonly stats: QueueStats;

  constructor(
    private readonly clock: Clock,
    private readonly sink: (e: RouterEffect) => void,
    config: Partial<RouterConfig> = {},
  ) {
    this.config = { ...DEFAULT_ROUTER_CONFIG, ...config };
    this.stats = new QueueStats(clock, this.config, (callId) => this.active.has(callId));
  }

  // ---- operators -------------------------------------------------------------------------

  /** An operator's console connected. They start away until they say they are available. */
  operatorOnline(id: number, queueId: number): OperatorRecord {
    let op = this.operators.get(id);
    if (!op) {
      op = newOperator(id, queueId, this.clock.now());
      this.operators.set(id, op);
    } else {
      op.online = true;
      this.staff.get(op.queueId)?.delete(op);
      op.queueId = queueId;
    }
    const members = this.staff.get(queueId) ?? new Set<OperatorRecord>();
    this.staff.set(queueId, members);
    members.add(op);
    this.sink({ type: 'operatorChanged', operatorId: id });
    this.dispatch(queueId);
    return op;
  }

  /** The operator's last console went away: no more rings; a ring in progress moves on. */
  operatorOffline(id: number): void {
    const op = this.operators.get(id);
    if (!op) return;
    op.online = false;
    op.availability = 'away';
    op.acwTimer?.cancel();
    op.acwTimer = null;
    this.cancelRingOf(op, 'declined', false);
    this.sink({ type: 'operatorChanged', operatorId: id });
    this.dispatch(op.queueId);
  }

  setAvailability(id: number, availability: 'available' | 'away'): OperatorRecord {
    const op = this.mustOperator(id);
    op.acwTimer?.cancel();
    op.acwTimer = null;
    op.availability = availability;
    if (availability === 'available') {
      op.missedRings = 0;
      op.idleSince = this.clock.now();
    } else {
      this.cancelRingOf(op, 'declined', false);
    }
    this.sink({ type: 'operatorChanged', operatorId: id });
    this.dispatch(op.queueId);
    return op;
  }

  /** Ends after-call work early. */
  endAfterCallWork(id: number): OperatorRecord {
    const op = this.mustOperator(id);
    if (op.availability !== 'after_call_work') return op;
    return this.setAvailability(id, 'available');
  }

  // ---- callers ---------------------------------------------------------------------------

  enqueue(input: EnqueueInput): PositionInfo {
    if (this.byCall.has(input.callId))
      throw new RouterError('ALREADY_QUEUED', `Call ${input.callId} is already queued.`);
    const entry: QueueEntry = {
      callId: input.callId,
      queueId: input.queueId,
      householdId: input.householdId,
      enqueuedAt: input.enqueuedAt ?? this.clock.now(),
      lastOperatorId: input.lastOperatorId,
      callback: input.callback ?? false,
      ringing: null,
      tried: new Set(),
      rungOnce: false,
    };
    // Stable insert by arrival time: restored callbacks go back to where they were.
    const queue = this.queues.get(entry.queueId) ?? new ArrivalQueue<QueueEntry>();
    this.queues.set(entry.queueId, queue);
    queue.insert(entry);
    this.byCall.set(entry.callId, entry);
    this.sink({ type: 'queueChanged', queueId: entry.queueId });
    this.dispatch(entry.queueId);
    return this.position(entry.callId)!;
  }

  /** The caller asked to be called back instead of waiting: same place in the queue. */
  requestCallback(callId: number): PositionInfo {
    const entry = this.mustEntry(callId);
    entry.callback = true;
    this.queues.get(entry.queueId)?.changed(entry);
    this.sink({ type: 'queueChanged', queueId: entry.queueId });
    return this.position(callId)!;
  }

  /** A caller who had asked for a callback asks to wait on the line again: same place. */
  resumeWaiting(callId: number): void {
    const entry = this.byCall.get(callId);
    if (!entry) return;
    entry.callback = false;
    this.queues.get(entry.queueId)?.changed(entry);
    this.sink({ type: 'queueChanged', queueId: entry.queueId });
  }

  /** The caller hung up (or went away) before being answered: out of the queue at once. */
  leave(callId: number): boolean {
    const entry = this.byCall.get(callId);
    if (!entry) return false;
    this.remove(entry);
    this.stopRing(entry, 'caller_left');
    this.stats.record(outcome(entry, { answeredAt: null, abandonedAt: this.clock.now(), operatorId: null }));
    this.sink({ type: 'queueChanged', queueId: entry.queueId });
    this.dispatch(entry.queueId);
    return true;
  }

  /** The rung operator answers. Only the operator being rung can answer. */
  answer(operatorId: number, callId: number): QueueEntry {
    const entry = this.byCall.get(callId);
    if (!entry || entry.ringing?.operatorId !== operatorId) {
      throw new RouterError(
        'NOT_RINGING',
        'This call is not ringing for you (it may have been answered by someone else).',
      );
    }
    entry.ringing.timer.cancel();
    entry.ringing = null;
    this.remove(entry);
    const op = this.mustOperator(operatorId);
    op.ringingCallId = null;
    op.missedRings = 0;
    this.startCall(op, entry);
    return entry;
  }

  decline(operatorId: number, callId: number): void {
    const entry = this.byCall.get(callId);
    if (!entry || entry.ringing?.operatorId !== operatorId)
      throw new RouterError('NOT_RINGING', 'This call is not ringing for you.');
    const op = this.mustOperator(operatorId);
    this.endRing(entry, op, 'declined');
    // A decline is not a miss, but the next ring goes to someone else first.
    op.idleSince = this.clock.now();
    this.sink({ type: 'operatorChanged', operatorId });
    this.dispatch(entry.queueId);
  }

  /** Staff pick a waiting callback request from the list to call the resident back now. */
  take(operatorId: number, callId: number): QueueEntry {
    const op = this.mustOperator(operatorId);
    const entry = this.mustEntry(callId);
    if (entry.queueId !== op.queueId) throw new RouterError('WRONG_QUEUE', 'This request is for another shop.');
    if (op.callId !== null) throw new RouterError('OPERATOR_BUSY', 'Finish your current call first.');
    this.stopRing(entry, 'answered_elsewhere', operatorId);
    this.cancelRingOf(op, 'answered_elsewhere', false);
    this.remove(entry);
    this.startCall(op, entry);
    return entry;
  }

  /** Staff call a resident who is not in the queue (e.g. about an order): the operator is busy. */
  startOutbound(operatorId: number, callId: number, queueId: number): void {
    const op = this.mustOperator(operatorId);
    if (op.callId !== null) throw new RouterError('OPERATOR_BUSY', 'Finish your current call first.');
    this.cancelRingOf(op, 'answered_elsewhere', false);
    op.callId = callId;
    this.active.set(callId, { operatorId, answeredAt: this.clock.now(), queueId });
    this.sink({ type: 'operatorChanged', operatorId });
    this.dispatch(op.queueId);
  }

  /** A connected call ended: the operator does after-call work, then is available again. */
  endCall(callId: number): void {
    const a = this.active.get(callId);
    if (!a) return;
    this.active.delete(callId);
    this.stats.handled(callId, this.clock.now() - a.answeredAt);
    const op = this.operators.get(a.operatorId);
    if (!op || op.callId !== callId) return;
    op.callId = null;
    if (op.online && op.availability !== 'away') {
      op.availability = 'after_call_work';
      op.acwTimer?.cancel();
      op.acwTimer = this.clock.setTimeout(() => {
        op.acwTimer = null;
        if (op.availability !== 'after_call_work') return;
        op.availability = 'available';
        op.idleSince = this.clock.now();
        this.sink({ type: 'operatorChanged', operatorId: op.id });
        this.dispatch(op.queueId);
      }, this.config.afterCallWorkMs);
    }
    this.sink({ type: 'operatorChanged', operatorId: op.id });
  }

  /** Cancels every timer (the hub is closing). */
  dispose(): void {
    for (const e of this.byCall.values()) e.ringing?.timer.cancel();
    for (const o of this.operators.values()) o.acwTimer?.cancel();
  }

  // ---- views -----------------------------------------------------------------------------

  position(callId: number): PositionInfo | null {
    const entry = this.byCall.get(callId);
    if (!entry) return null;
    return this.placer(entry.queueId)(entry, this.queues.get(entry.queueId)!.place(entry));
  }

  /**
   * The places that may have changed since the last time this was asked (what terminals are told
   * after a change): the callers behind the first one who came, left or changed, or every caller
   * when the staffing or the handle time the estimates rest on changed (or `all`).
   */
  changedPositions(queueId: number, all = false): PositionInfo[] {
    const queue = this.queues.get(queueId);
    if (!queue) return [];
    const ops = this.queueOperators(queueId);
    const aht = this.stats.averageHandleMs(queueId) || this.config.defaultHandleMs;
    const basis = placesIn.basis(ops, aht);
    const moved = this.placedWith.get(queueId) !== basis;
    this.placedWith.set(queueId, basis);
    const place = placesIn(queueId, ops, aht);
    return queue.takeChanged(all || moved).map((c) => place(c.entry, c.place));
  }

  queue(queueId: number): readonly QueueEntry[] {
    const queue = this.queues.get(queueId);
    return queue ? [...queue.entries()] : [];
  }

  entry(callId: number): QueueEntry | undefined {
    return this.byCall.get(callId);
  }

  operator(id: number): OperatorRecord | undefined {
    return this.operators.get(id);
  }

  activity(op: OperatorRecord): OperatorActivity {
    if (op.callId !== null) return 'in_call';
    if (op.ringingCallId !== null) return 'ringing';
    if (!op.online) return 'offline';
    if (op.availability === 'available') return 'idle';
    return op.availability;
  }

  queueOperators(queueId: number): OperatorRecord[] {
    const out: OperatorRecord[] = [];
    for (const o of this.staff.get(queueId) ?? []) if (o.online) out.push(o);
    return out;
  }

  /** Loads past outcomes (e.g. from the database at start-up) so figures survive a restart. */
  loadHistory(records: HistoryRecord[]): void {
    this.stats.load(records);
  }

  figures(queueId: number): Figures {
    return this.stats.figures(queueId, this.queue(queueId));
  }

  /** Who is connected on `callId`, if it was answered through the router. */
  operatorOfCall(callId: number): number | null {
    return this.active.get(callId)?.operatorId ?? null;
  }

  // ---- internals -------------------------------------------------------------------------

  private startCall(op: OperatorRecord, entry: QueueEntry): void {
    const now = this.clock.now();
    op.callId = entry.callId;
    this.active.set(entry.callId, { operatorId: op.id, answeredAt: now, queueId: entry.queueId });
    this.stats.record(outcome(entry, { answeredAt: now, abandonedAt: null, operatorId: op.id }));
    this.sink({ type: 'operatorChanged', operatorId: op.id });
    this.sink({ type: 'queueChanged', queueId: entry.queueId });
    this.dispatch(entry.queueId);
  }

  private mustOperator(id: number): OperatorRecord {
    const op = this.operators.get(id);
    if (!op) throw new RouterError('UNKNOWN_OPERATOR', 'Open the console to take calls.');
    return op;
  }

  /** Places in a queue as they stand now: staffing and handle time worked out once for all callers. */
  private placer(queueId: number) {
    return placesIn(
      queueId,
      this.queueOperators(queueId),
      this.stats.averageHandleMs(queueId) || this.config.defaultHandleMs,
    );
  }

  private remove(entry: QueueEntry): void {
    this.queues.get(entry.queueId)?.remove(entry);
    this.byCall.delete(entry.callId);
  }

  private mustEntry(callId: number): QueueEntry {
    const e = this.byCall.get(callId);
    if (!e) throw new RouterError('NOT_IN_QUEUE', 'This call is no longer waiting.');
    return e;
  }

  /** Stops the entry's ring; the rung operator is told why (unless it is `except`, who takes it). */
  private stopRing(entry: QueueEntry, reason: RingEndReason, except: number | null = null): void {
    const r = entry.ringing;
    if (!r) return;
    r.timer.cancel();
    entry.ringing = null;
    const op = this.operators.get(r.operatorId);
    if (op) op.ringingCallId = null;
    if (r.operatorId !== except)
      this.sink({ type: 'ringCancelled', callId: entry.callId, operatorId: r.operatorId, reason });
    if (op) this.sink({ type: 'operatorChanged', operatorId: op.id });
  }

  private cancelRingOf(op: OperatorRecord, reason: RingEndReason, countAsMiss: boolean): void {
    if (op.ringingCallId === null) return;
    const entry = this.byCall.get(op.ringingCallId);
    if (entry) this.endRing(entry, op, reason, countAsMiss);
    else op.ringingCallId = null;
  }

  private endRing(entry: QueueEntry, op: OperatorRecord, reason: RingEndReason, countAsMiss = false): void {
    entry.ringing?.timer.cancel();
    entry.ringing = null;
    entry.tried.add(op.id);
    op.ringingCallId = null;
    if (countAsMiss) op.missedRings += 1;
    this.sink({ type: 'ringCancelled', callId: entry.callId, operatorId: op.id, reason });
    this.sink({ type: 'queueChanged', queueId: entry.queueId });
  }

  private onRingTimeout(entry: QueueEntry, op: OperatorRecord, preferred: boolean): void {
    // A short "preferred" ring that goes unanswered is not held against the operator.
    this.endRing(entry, op, 'timeout', !preferred);
    if (!preferred && op.missedRings >= this.config.maxMissedRings) {
      op.availability = 'away';
    }
    this.sink({ type: 'operatorChanged', operatorId: op.id });
    this.dispatch(entry.queueId);
  }

  private dispatch(queueId: number): void {
    let free = this.queueOperators(queueId).filter(
      (o) => o.availability === 'available' && o.callId === null && o.ringingCallId === null,
    );
    const queue = this.queues.get(queueId);
    if (!queue) return;
    for (const entry of queue.entries()) {
      if (free.length === 0) return;
      if (entry.ringing) continue;
      let candidates = free.filter((o) => !entry.tried.has(o.id));
      if (candidates.length === 0) {
        entry.tried.clear();
        candidates = free;
      }
      const preferredOp =
        !entry.rungOnce && entry.lastOperatorId !== null
          ? candidates.find((o) => o.id === entry.lastOperatorId)
          : undefined;
      const op =
        preferredOp ??
        candidates.reduce((a, b) =>
          b.idleSince < a.idleSince || (b.idleSince === a.idleSince && b.id < a.id) ? b : a,
        );
      const preferred = preferredOp !== undefined;
      const timeoutMs = preferred ? this.config.preferredRingMs : this.config.ringTimeoutMs;
      entry.rungOnce = true;
      op.ringingCallId = entry.callId;
      entry.ringing = {
        operatorId: op.id,
        preferred,
        timer: this.clock.setTimeout(() => this.onRingTimeout(entry, op, preferred), timeoutMs),
      };
      free = free.filter((o) => o !== op);
      this.sink({ type: 'ring', callId: entry.callId, operatorId: op.id, timeoutMs, preferred });
      this.sink({ type: 'operatorChanged', operatorId: op.id });
      this.sink({ type: 'queueChanged', queueId });
    }
  }
}
