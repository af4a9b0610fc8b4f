/** The call router's words: availability and activity, effects, queue entries, operators, figures, refusals. */
import type { TimerHandle } from '../../lib/clock';

export type Availability = 'available' | 'away' | 'after_call_work';
export type OperatorActivity = 'idle' | 'ringing' | 'in_call' | 'away' | 'after_call_work' | 'offline';
export type RingEndReason = 'answered_elsewhere' | 'timeout' | 'caller_left' | 'declined';

export interface RouterConfig {
  ringTimeoutMs: number;
  preferredRingMs: number;
  afterCallWorkMs: number;
  maxMissedRings: number;
  /** Handle time assumed for estimates before any call has been handled. */
  defaultHandleMs: number;
  /** Queue figures cover this much recent history. */
  statsWindowMs: number;
  /** "Answered within" threshold for the service-level figure. */
  serviceLevelMs: number;
}

export const DEFAULT_ROUTER_CONFIG: RouterConfig = {
  ringTimeoutMs: 20_000,
  preferredRingMs: 8_000,
  afterCallWorkMs: 30_000,
  maxMissedRings: 3,
  defaultHandleMs: 3 * 60_000,
  statsWindowMs: 24 * 60 * 60_000,
  serviceLevelMs: 20_000,
};

export type RouterEffect =
  | { type: 'ring'; callId: number; operatorId: number; timeoutMs: number; preferred: boolean }
  | { type: 'ringCancelled'; callId: number; operatorId: number; reason: RingEndReason }
  | { type: 'operatorChanged'; operatorId: number }
  | { type: 'queueChanged'; queueId: number };

export interface EnqueueInput {
  callId: number;
  queueId: number;
  householdId: number;
  /** Operator this household last spoke to on this queue, if any. */
  lastOperatorId: number | null;
  callback?: boolean;
  /** When the caller first asked (restored callbacks keep their place); defaults to now. */
  enqueuedAt?: number;
}

export interface QueueEntry {
  callId: number;
  queueId: number;
  householdId: number;
  enqueuedAt: number;
  lastOperatorId: number | null;
  callback: boolean;
  ringing: { operatorId: number; preferred: boolean; timer: TimerHandle } | null;
  tried: Set<number>;
  rungOnce: boolean;
}

export interface OperatorRecord {
  id: number;
  queueId: number;
  online: boolean;
  availability: Availability;
  idleSince: number;
  callId: number | null;
  ringingCallId: number | null;
  missedRings: number;
  acwTimer: TimerHandle | null;
}

/** A new operator's record: away until they say they are available. */
export const newOperator = (id: number, queueId: number, now: number): OperatorRecord => ({
  id,
  queueId,
  online: true,
  availability: 'away',
  idleSince: now,
  callId: null,
  ringingCallId: null,
  missedRings: 0,
  acwTimer: null,
});

/** A queued call's outcome for the queue figures (its handle time is known when it ends). */
export const outcome = (
  entry: QueueEntry,
  o: Pick<HistoryRecord, 'answeredAt' | 'abandonedAt' | 'operatorId'>,
): HistoryRecord => ({
  queueId: entry.queueId,
  callId: entry.callId,
  enqueuedAt: entry.enqueuedAt,
  ...o,
  handleMs: null,
});

export interface HistoryRecord {
  queueId: number;
  callId: number;
  enqueuedAt: number;
  answeredAt: number | null;
  abandonedAt: number | null;
  operatorId: number | null;
  handleMs: number | null;
}

export interface PositionInfo {
  callId: number;
  queueId: number;
  position: number;
  ahead: number;
  estimatedWaitMs: number;
  /** Nobody is staffing the queue (no operator available, in a call or in after-call work). */
  nobodyAvailable: boolean;
  callback: boolean;
}

export interface Figures {
  queueId: number;
  waitingNow: number;
  callbacksWaiting: number;
  averageSpeedOfAnswerMs: number;
  abandonmentRate: number;
  answeredWithinServiceLevelShare: number;
  averageHandleMs: number;
  callsPerOperator: { operatorId: number; answered: number }[];
  answered: number;
  abandoned: number;
}

export class RouterError extends Error {
  constructor(
    public readonly code:
      | 'NOT_RINGING'
      | 'NOT_IN_QUEUE'
      | 'OPERATOR_BUSY'
      | 'UNKNOWN_OPERATOR'
      | 'ALREADY_QUEUED'
      | 'WRONG_QUEUE',
    message: string,
  ) {
    super(message);
  }
}
