/**
 * The Socket.IO contract: every event of both namespaces with its payload schema, its ack schema
 * (commands) and an example. The hub registers its handlers from this table and its namespaces are
 * typed with the maps derived from it; so are the terminal's and the console's sockets. An event
 * added, renamed or reshaped here fails the type-check on every side that does not follow.
 *
 *  - `/terminal`: set-top terminals, authenticated by their device credential;
 *  - `/staff`: console users, authenticated by their session cookie.
 * Commands are `area:verb` and answer through an ack `{ ok, data } | { ok: false, error }`;
 * notifications are `area:pastTense` (a few older names, like `call:signal`, predate the rule).
 */
import {
  Announcement,
  AnnouncementSync,
  AnnouncementWithdrawn,
  ReceiptPayload,
  ReceiptStored,
  ReceiptsChanged,
  TerminalAnnouncement,
} from './announcements';
import {
  CallbackBody,
  CallEnded,
  CallHoldBody,
  CallIdBody,
  CallIdResult,
  CallInfo,
  CallRequestBody,
  CallRinging,
  CallSignal,
  IceServersResponse,
  OperatorState,
  QueuePosition,
  QueueView,
  ResidentState,
  RingCancelled,
  SetAvailabilityBody,
  SignalDelivered,
  StaffCallSync,
  StaffCallSyncBody,
  TerminalCallSync,
} from './calls';
import { CheckinReceipt, CheckinReminder, CheckinStatus, CheckinSubmit } from './checkins';
import { EmptyPayload, ServerTime } from './common';
import { ScheduledCall, ScheduledCallIdBody } from './conversations';
import * as ex from './examples';
import { STAFF_NAMESPACE, TERMINAL_NAMESPACE } from './namespaces';
import { Order, OrderAckBody, OrderList, OrderMessage, OrderRespondBody, OrdersAcknowledged } from './orders';
import { SystemStatus } from './system';
import {
  TerminalPresenceChanges,
  TerminalProfile,
  VolumeTestAnswer,
  VolumeTestAnswered,
  VolumeTestRequest,
} from './terminals';
import {
  AlertIdPayload,
  BoardChanged,
  HelpStatus,
  PlanTest,
  PlanTestEnded,
  ResolveAlertPayload,
  WatchAlert,
} from './watch';
import { bare, type ClientEventsOf, command, type NamespaceWire, notification, type ServerEventsOf } from './wire';

const serverTime = { payload: {}, data: { serverTime: ex.at } };
const ended = { callId: 11, reason: 'hung_up_by_operator' } as const;
const signal = {
  callId: 11,
  generation: 0,
  signal: { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.7 54400 typ host' } },
} as const;
const callId = { payload: { callId: 11 }, data: { callId: 11 } };
const staffSync = {
  call: ex.callInfo,
  here: true,
  ringing: null,
  media: { callId: 11, generation: 1 },
  resident: { callId: 11, online: true, held: false },
  ended: null,
};

/** The /terminal namespace. */
export const terminalWire = {
  commands: {
    'terminal:heartbeat': command(EmptyPayload, ServerTime, serverTime),
    /** The resident's はい/いいえ to 「聞こえましたか」 after the volume test's tone. */
    'terminal:answerVolumeTest': command(VolumeTestAnswer, EmptyPayload, {
      payload: { testId: 9, heard: true },
      data: {},
    }),
    'call:request': command(CallRequestBody, QueuePosition, { payload: { shopId: 1 }, data: ex.queuePosition }),
    'call:requestCallback': command(CallIdBody, QueuePosition, {
      payload: { callId: 11 },
      data: { ...ex.queuePosition, callback: true },
    }),
    'call:cancel': command(CallIdBody, CallIdResult, callId),
    'call:accept': command(CallIdBody, CallInfo, { payload: { callId: 11 }, data: ex.callInfo }),
    'call:decline': command(CallIdBody, CallIdResult, callId),
    'call:hangUp': command(CallIdBody, CallIdResult, callId),
    'call:signal': command(CallSignal, SignalDelivered, { payload: signal, data: { delivered: true } }),
    'call:iceServers': command(EmptyPayload, IceServersResponse, { payload: {}, data: ex.iceServers }),
    /** Where this terminal's call stands (after every connect: a reload or a drop may have missed events). */
    'call:sync': command(EmptyPayload, TerminalCallSync, {
      payload: {},
      data: { call: ex.callInfo, position: null, ended: null },
    }),
    /** The terminal's peer for this call exists and listens: the operator's console (re)starts its own. */
    'call:ready': command(CallIdBody, CallIdResult, callId),
    /** An emergency holds the call on the terminal (or is over): the operator is told why the picture went black. */
    'call:hold': command(CallHoldBody, ResidentState, {
      payload: { callId: 11, held: true },
      data: { callId: 11, online: true, held: true },
    }),
    /** The same list as `announcement:sync`, on request (e.g. a screen that started listening late). */
    'announcement:list': command(EmptyPayload, AnnouncementSync, {
      payload: {},
      data: { announcements: [ex.terminalAnnouncement] },
    }),
    /** Acked only after the receipt is stored. */
    'announcement:receipt': command(ReceiptPayload, ReceiptStored, {
      payload: { announcementId: 21, stage: 'acknowledged' },
      data: { stored: true },
    }),
    'checkin:submit': command(CheckinSubmit, CheckinReceipt, {
      payload: { idempotencyKey: '0f8fad5b-d9cb-469f-a165-70867728950e', pressedAt: ex.at, mood: 'good' },
      data: { checkinId: 51, duplicate: false, countedAt: ex.at, day: '2025-04-01', mood: 'good' },
    }),
    'checkin:status': command(EmptyPayload, CheckinStatus, { payload: {}, data: ex.checkinStatus }),
    'order:respond': command(OrderRespondBody, Order, {
      payload: { orderId: 31, accept: true },
      data: { ...ex.order, status: 'received', confirmedAt: ex.at },
    }),
    'order:ack': command(OrderAckBody, OrdersAcknowledged, {
      payload: { messageIds: [61] },
      data: { acknowledged: 1 },
    }),
    /** The resident asks "where is my order?": this household's recent orders. */
    'order:list': command(EmptyPayload, OrderList, { payload: {}, data: { orders: [ex.order] } }),
    /**
     * The resident asks for help (助けて, confirmed on a second screen): an urgent watch alert to the
     * household's watchers and city hall. Acked once stored and sent; pressing again while it is
     * open answers the same request.
     */
    'help:request': command(EmptyPayload, HelpStatus, { payload: {}, data: ex.helpStatus }),
  },
  notifications: {
    /** The hub's view of this terminal, sent right after connecting and when it changes. */
    'terminal:profileChanged': notification(TerminalProfile, ex.terminalProfile),
    /** This terminal's credential was revoked: forget it and show the enrollment screen. */
    'terminal:revoked': bare,
    /** City hall's volume test: play the test tone, then ask 「聞こえましたか」 (はい / いいえ). */
    'terminal:volumeTest': notification(VolumeTestRequest, { testId: 9 }),
    /** City hall asks the terminal to restart its app (the kiosk relaunches; a browser page reloads). */
    'terminal:restart': bare,
    'call:queueUpdated': notification(QueuePosition, ex.queuePosition),
    /** An operator answered: start the peer (the terminal is never the initiator). */
    'call:connected': notification(CallInfo, ex.callInfo),
    /** Staff is calling this terminal back: ring with answer / decline. */
    'call:incoming': notification(CallInfo, { ...ex.callInfo, direction: 'outbound', status: 'ringing_terminal' }),
    'call:ended': notification(CallEnded, ended),
    'call:signal': notification(CallSignal, signal),
    /** Sent on connect: every unexpired announcement for this household, oldest first (authoritative). */
    'announcement:sync': notification(AnnouncementSync, { announcements: [ex.terminalAnnouncement] }),
    'announcement:published': notification(TerminalAnnouncement, ex.terminalAnnouncement),
    /** New content for an announcement the terminal has: show it again. */
    'announcement:updated': notification(TerminalAnnouncement, { ...ex.terminalAnnouncement, version: 2 }),
    /** Cancelled or expired: remove it from the screen. */
    'announcement:withdrawn': notification(AnnouncementWithdrawn, { id: 21, reason: 'cancelled' }),
    /** A reminder to check in: chime and speak. */
    'checkin:reminder': notification(CheckinReminder, ex.checkinReminder),
    /** City hall's plan test ended (cancelled, checked in, resolved): a test reminder goes away. */
    'checkin:testEnded': notification(PlanTestEnded, { testId: 5 }),
    /**
     * Today's check-in status (sent on connect, at a new day, and after a check-in to the household's
     * other sockets: the one that checked in has its receipt).
     */
    'checkin:statusChanged': notification(CheckinStatus, ex.checkinStatus),
    /** Acknowledge with `order:ack` once shown; unacknowledged messages are sent again on reconnect. */
    'order:message': notification(OrderMessage, { messageId: 61, kind: 'confirm_request', order: ex.order }),
    /** The resident's help request changed (someone saw it, it was dealt with); also sent on connect while open. */
    'help:statusChanged': notification(HelpStatus, {
      ...ex.helpStatus,
      state: 'acknowledged',
      seenBy: '福祉課 青木',
      seenAt: ex.at,
    }),
  },
} as const satisfies NamespaceWire;

/** The /staff namespace. */
export const staffWire = {
  commands: {
    'staff:ping': command(EmptyPayload, ServerTime, serverTime),
    'call:setAvailability': command(SetAvailabilityBody, OperatorState, {
      payload: { availability: 'available' },
      data: ex.operatorState,
    }),
    'call:endAfterCallWork': command(EmptyPayload, OperatorState, { payload: {}, data: ex.operatorState }),
    'call:answer': command(CallIdBody, CallInfo, { payload: { callId: 11 }, data: ex.callInfo }),
    'call:decline': command(CallIdBody, CallIdResult, callId),
    'call:hangUp': command(CallIdBody, CallIdResult, callId),
    'call:callBack': command(CallbackBody, CallInfo, {
      payload: { householdId: 7, orderId: 31 },
      data: { ...ex.callInfo, direction: 'outbound', status: 'ringing_terminal' },
    }),
    'call:signal': command(CallSignal, SignalDelivered, { payload: signal, data: { delivered: true } }),
    'call:iceServers': command(EmptyPayload, IceServersResponse, { payload: {}, data: ex.iceServers }),
    /** Where this operator's calls stand for this tab (after every connect); the tab's live peer, if any, is kept. */
    'call:sync': command(StaffCallSyncBody, StaffCallSync, { payload: { media: null }, data: staffSync }),
    /** A listener rings a planned call that is due (the resident's terminal rings). */
    'call:ringScheduled': command(ScheduledCallIdBody, CallInfo, {
      payload: { scheduledCallId: 5 },
      data: { ...ex.callInfo, direction: 'outbound', status: 'ringing_terminal' },
    }),
    'watch:acknowledge': command(AlertIdPayload, WatchAlert, {
      payload: { alertId: 41 },
      data: {
        ...ex.watchAlert,
        state: 'acknowledged',
        acknowledgedAt: ex.at,
        acknowledgedBy: 'user:4:kato',
        acknowledgedByName: '加藤 美咲',
      },
    }),
    'watch:resolve': command(ResolveAlertPayload, WatchAlert, {
      payload: { alertId: 41, outcome: 'phoned_fine', note: '電話で元気を確認' },
      data: {
        ...ex.watchAlert,
        state: 'resolved',
        outcome: 'phoned_fine',
        resolvedAt: ex.at,
        resolvedBy: 'user:4:kato',
      },
    }),
  },
  notifications: {
    /** Terminals came online or went offline (one message per stored batch, in order). */
    'terminal:presenceChanged': notification(TerminalPresenceChanges, {
      changes: [{ terminalId: 3, householdId: 7, online: false, lastSeenAt: ex.at }],
    }),
    /** City hall: a resident answered a volume test. */
    'terminal:volumeTestAnswered': notification(VolumeTestAnswered, {
      terminalId: 3,
      householdId: 7,
      test: ex.volumeTest,
    }),
    /** A waiting caller is offered to this operator; answer within the ring timeout. */
    'call:ringing': notification(CallRinging, {
      ...ex.callInfo,
      operatorId: null,
      operatorName: null,
      status: 'waiting',
      ringTimeoutSeconds: 20,
    }),
    'call:ringCancelled': notification(RingCancelled, { callId: 11, reason: 'answered_elsewhere' }),
    'call:connected': notification(CallInfo, ex.callInfo),
    'call:ended': notification(CallEnded, ended),
    'call:signal': notification(CallSignal, signal),
    'call:queueChanged': notification(QueueView, ex.queueView),
    /** The operator's own state changed: to that operator's tabs only (others see it in `call:queueChanged`). */
    'call:operatorChanged': notification(OperatorState, ex.operatorState),
    /** This tab's view of the operator's calls changed (answered here or elsewhere, the resident's side, the peer). */
    'call:stateChanged': notification(StaffCallSync, staffSync),
    /** A planned call of this line fell due, rang, was answered, missed or lapsed. */
    'call:scheduledCallChanged': notification(ScheduledCall, ex.scheduledCall),
    'announcement:receiptsChanged': notification(ReceiptsChanged, { announcementId: 21, counts: ex.receiptCounts }),
    /** Created, approved, published, updated, cancelled or expired. */
    'announcement:changed': notification(Announcement, ex.announcement),
    'order:changed': notification(Order, ex.order),
    /** A new alert reached this watcher (play a sound). */
    'watch:alertRaised': notification(WatchAlert, ex.watchAlert),
    /** An alert this watcher can see changed (acknowledged, escalated, resolved, all clear). */
    'watch:alertUpdated': notification(WatchAlert, { ...ex.watchAlert, level: 2 }),
    /** Households on this watcher's board changed (check-in, mood, presence): one message per turn of the hub. */
    'watch:boardChanged': notification(BoardChanged, { householdIds: [7, 12] }),
    /** City hall: a plan test started, moved a step or ended. */
    'watch:planTestChanged': notification(PlanTest, { ...ex.planTest, alertId: 41 }),
    /** City hall: a readiness check changed status (storage banner, system status page). */
    'system:statusChanged': notification(SystemStatus, ex.systemStatus),
  },
} as const satisfies NamespaceWire;

/** Both namespaces, by name. */
export const wire = { [TERMINAL_NAMESPACE]: terminalWire, [STAFF_NAMESPACE]: staffWire } as const;
export type TerminalWire = typeof terminalWire;
export type StaffWire = typeof staffWire;

/** Sent by the hub to a terminal. */
export interface TerminalServerEvents extends ServerEventsOf<TerminalWire> {}
/** Sent by a terminal to the hub. */
export interface TerminalClientEvents extends ClientEventsOf<TerminalWire> {}
/** Sent by the hub to a console. */
export interface StaffServerEvents extends ServerEventsOf<StaffWire> {}
/** Sent by a console to the hub. */
export interface StaffClientEvents extends ClientEventsOf<StaffWire> {}

/** Per namespace name: its table and the Socket.IO event maps derived from it. */
export interface WireEvents {
  '/terminal': { wire: TerminalWire; client: TerminalClientEvents; server: TerminalServerEvents };
  '/staff': { wire: StaffWire; client: StaffClientEvents; server: StaffServerEvents };
}
export type NamespaceName = keyof WireEvents;

/** The Socket.IO connect_error `data` the hub fills on refusal. */
export interface ConnectErrorData {
  code: string;
  message: string;
  serverProtocolVersion?: number;
  /** With HUB_BUSY: connect again after this many milliseconds (plus the client's own jitter). */
  retryAfterMs?: number;
}
