/**
 * Calls to a shop or the listening line: queueing, routing to operators, WebRTC signalling relayed
 * by the hub, callbacks, queue figures.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Closed, Id, literals, Name, Nullable } from './common';
import { householdRef, listOf, NonNegativeInt, PageLimit, shopRef } from './fragments';
import type { ShopKind } from './shops';

/** An operator's own setting (after-call work is set by the hub after each call, and can be ended early). */
export const Availability = literals('available', 'away', 'after_call_work');
export type Availability = Static<typeof Availability>;

export const CallStatus = literals(
  'waiting',
  'callback_requested',
  'ringing_terminal',
  'connected',
  'ended',
  'abandoned',
  'declined',
);
export type CallStatus = Static<typeof CallStatus>;

/** Why a call may not be answered soon; the terminal says so and offers a callback. */
export const QueueNotice = Type.Union([Type.Literal('closed'), Type.Literal('nobody_available'), Type.Null()]);
export type QueueNotice = Static<typeof QueueNotice>;

/** Place in the queue, sent to the waiting terminal and updated as it moves. */
export const QueuePosition = Type.Object({
  callId: Id,
  shopId: Id,
  /** 1 = next to be answered. */
  position: Type.Integer({ minimum: 1 }),
  /** People ahead of this caller (position − 1). */
  ahead: NonNegativeInt,
  estimatedWaitSeconds: NonNegativeInt,
  notice: QueueNotice,
  callback: Type.Boolean(),
});
export type QueuePosition = Static<typeof QueuePosition>;

export const CallRequestBody = Closed({ shopId: Id });
export type CallRequestBody = Static<typeof CallRequestBody>;
export const CallIdBody = Closed({ callId: Id });
export type CallIdBody = Static<typeof CallIdBody>;

/** simple-peer's signal messages, strictly shaped so nothing else rides through the relay. */
export const PeerSignal = Type.Union([
  Closed({
    type: literals('offer', 'answer', 'pranswer', 'rollback'),
    sdp: Type.String({ maxLength: 32_000 }),
  }),
  Closed({
    type: Type.Literal('candidate'),
    candidate: Closed({
      candidate: Type.String({ maxLength: 1000 }),
      sdpMLineIndex: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 64 }))),
      sdpMid: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
      usernameFragment: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
    }),
  }),
  Closed({ type: Type.Literal('renegotiate'), renegotiate: Type.Literal(true) }),
  Closed({
    type: Type.Literal('transceiverRequest'),
    transceiverRequest: Closed({
      kind: literals('audio', 'video'),
      init: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  }),
]);
export type PeerSignal = Static<typeof PeerSignal>;

/** A signal for the other party of `callId`. `generation` grows each time the peer is rebuilt. */
export const CallSignal = Closed({
  callId: Id,
  generation: Type.Integer({ minimum: 0, maximum: 1000 }),
  signal: PeerSignal,
});
export type CallSignal = Static<typeof CallSignal>;

export const IceServer = Type.Object({
  urls: Type.Union([Type.String(), Type.Array(Type.String())]),
  username: Type.Optional(Type.String()),
  credential: Type.Optional(Type.String()),
});
export type IceServer = Static<typeof IceServer>;
export const IceServersResponse = Type.Object({
  iceServers: Type.Array(IceServer),
  ttlSeconds: Nullable(Type.Integer()),
});
export type IceServersResponse = Static<typeof IceServersResponse>;

/** What both parties know about a live call. */
export const CallInfo = Type.Object({
  callId: Id,
  shopId: Id,
  shopName: Name,
  shopKind: literals('shop', 'listening'),
  ...householdRef,
  operatorId: Nullable(Id),
  operatorName: Nullable(Type.String()),
  direction: literals('inbound', 'outbound'),
  status: CallStatus,
});
export type CallInfo = Static<typeof CallInfo>;

export const CallEndReason = literals(
  'hung_up_by_resident',
  'hung_up_by_operator',
  'declined',
  'no_answer',
  'connection_lost',
  'cancelled',
);
export type CallEndReason = Static<typeof CallEndReason>;

export const SetAvailabilityBody = Closed({ availability: literals('available', 'away') });
export type SetAvailabilityBody = Static<typeof SetAvailabilityBody>;

export const OperatorState = Type.Object({
  operatorId: Id,
  name: Type.String(),
  shopId: Id,
  availability: Availability,
  /** Derived: what the operator is doing now. */
  activity: literals('idle', 'ringing', 'in_call', 'away', 'after_call_work', 'offline'),
  callId: Nullable(Id),
  missedRings: NonNegativeInt,
});
export type OperatorState = Static<typeof OperatorState>;

export const QueueFigures = Type.Object({
  shopId: Id,
  waitingNow: NonNegativeInt,
  callbacksWaiting: NonNegativeInt,
  averageSpeedOfAnswerSeconds: Type.Number({ minimum: 0 }),
  abandonmentRate: Type.Number({ minimum: 0, maximum: 1 }),
  answeredWithin20sShare: Type.Number({ minimum: 0, maximum: 1 }),
  averageHandleSeconds: Type.Number({ minimum: 0 }),
  callsPerOperator: Type.Array(Type.Object({ operatorId: Id, answered: NonNegativeInt })),
  answered: NonNegativeInt,
  abandoned: NonNegativeInt,
});
export type QueueFigures = Static<typeof QueueFigures>;

export const QueueEntryView = Type.Object({
  callId: Id,
  ...householdRef,
  since: Type.String(),
  callback: Type.Boolean(),
  ringingOperatorId: Nullable(Id),
});
export type QueueEntryView = Static<typeof QueueEntryView>;

/** The console's view of one queue (a shop or the listening line). */
export const QueueView = Type.Object({
  ...shopRef,
  shopKind: literals('shop', 'listening'),
  open: Type.Boolean(),
  entries: Type.Array(QueueEntryView),
  operators: Type.Array(OperatorState),
  figures: QueueFigures,
});
export type QueueView = Static<typeof QueueView>;
export const QueueViewList = listOf('queues', QueueView);

export const CallbackBody = Closed({ householdId: Id, callbackOf: Type.Optional(Id), orderId: Type.Optional(Id) });
export type CallbackBody = Static<typeof CallbackBody>;

export const CallHistoryItem = Type.Object({
  callId: Id,
  shopId: Id,
  ...householdRef,
  operatorId: Nullable(Id),
  direction: literals('inbound', 'outbound'),
  status: CallStatus,
  requestedAt: Type.String(),
  answeredAt: Nullable(Type.String()),
  endedAt: Nullable(Type.String()),
});
export type CallHistoryItem = Static<typeof CallHistoryItem>;
export const CallHistory = listOf('calls', CallHistoryItem);

export type CallShopKind = ShopKind;

/** Which party's connection was lost, when a call ended for `connection_lost`. */
export const LostParty = Type.Union([Type.Literal('resident'), Type.Literal('operator')]);
export const CallEnded = Type.Object({ callId: Id, reason: CallEndReason, lost: Type.Optional(LostParty) });
export type CallEnded = Static<typeof CallEnded>;

/** A waiting caller offered to an operator, who must answer within the ring timeout. */
export const CallRinging = Type.Composite([CallInfo, Type.Object({ ringTimeoutSeconds: NonNegativeInt })]);
export type CallRinging = Static<typeof CallRinging>;
export const RingCancelled = Type.Object({
  callId: Id,
  reason: literals('answered_elsewhere', 'timeout', 'caller_left', 'declined'),
});
export type RingCancelled = Static<typeof RingCancelled>;
export const CallIdResult = Type.Object({ callId: Id });
export const SignalDelivered = Type.Object({ delivered: Type.Literal(true) });
export type SignalDelivered = Static<typeof SignalDelivered>;
export const CallHistoryQuery = Closed({
  shopId: Type.Optional(Id),
  householdId: Type.Optional(Id),
  limit: PageLimit(500),
});
export type CallHistoryQuery = Static<typeof CallHistoryQuery>;

/** The resident's side of a connected call, as the operator sees it. */
export const ResidentState = Type.Object({
  callId: Id,
  /** The terminal is connected to the hub (false: it dropped and has the grace period to come back). */
  online: Type.Boolean(),
  /** An emergency is on the terminal's screen: its camera, microphone and loudspeaker are off. */
  held: Type.Boolean(),
});
export type ResidentState = Static<typeof ResidentState>;

/** The peer this console tab runs: the initiator builds it under `generation` (a higher one replaces it). */
export const CallMedia = Type.Object({ callId: Id, generation: NonNegativeInt });
export type CallMedia = Static<typeof CallMedia>;

/** A terminal's call as the hub has it, asked for after every (re)connect. */
export const TerminalCallSync = Type.Object({
  call: Nullable(CallInfo),
  position: Nullable(QueuePosition),
  /** A call that ended while this terminal was away. */
  ended: Nullable(CallEnded),
});
export type TerminalCallSync = Static<typeof TerminalCallSync>;

export const StaffCallSyncBody = Closed({
  /** The peer this tab still runs (after a network drop), kept if it is still the call's. */
  media: Nullable(CallMedia),
});
export type StaffCallSyncBody = Static<typeof StaffCallSyncBody>;

/** An operator's calls as one console tab should show them (sent to each tab when anything changes). */
export const StaffCallSync = Type.Object({
  call: Nullable(CallInfo),
  /** This tab holds the call (camera and peer); false: the call is on another tab. */
  here: Type.Boolean(),
  ringing: Nullable(CallRinging),
  /** Start (or keep) the peer: null until the resident's terminal is ready for it. */
  media: Nullable(CallMedia),
  resident: Nullable(ResidentState),
  /** A call that ended while this operator had no console open. */
  ended: Nullable(CallEnded),
});
export type StaffCallSync = Static<typeof StaffCallSync>;

export const CallHoldBody = Closed({ callId: Id, held: Type.Boolean() });
export type CallHoldBody = Static<typeof CallHoldBody>;
