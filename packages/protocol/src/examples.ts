/**
 * Example messages for the contract tables (events.ts, api.ts). Typed, so they follow the schemas'
 * shapes at compile time; the protocol test checks each against its schema's rules at run time.
 * They double as documentation of what goes over the wire.
 */

import type { User } from './accounts';
import type { Announcement, AnnouncementContent, ReceiptCounts, TerminalAnnouncement } from './announcements';
import type { CallInfo, IceServersResponse, OperatorState, QueuePosition, QueueView } from './calls';
import type { CheckinPlan, CheckinReminder, CheckinStatus } from './checkins';
import type { ScheduledCall } from './conversations';
import type { ErrorResponse } from './errors';
import type { HouseholdImport } from './household-import';
import type { Household } from './households';
import type { NotificationSettings } from './notifications';
import type { Order } from './orders';
import type { CatalogueItem, Shop } from './shops';
import type { SystemStatus } from './system';
import type { FleetTerminal, TerminalProfile, VolumeTest } from './terminals';
import type { HelpStatus, PlanTest, WatchAlert } from './watch';

export const at = '2025-04-01T09:00:00.000Z';
export const later = '2025-04-01T10:00:00.000Z';

export const user: User = {
  id: 2,
  username: 'sato',
  displayName: '佐藤 花子',
  role: 'cityhall',
  admin: false,
  shopId: null,
  watcherKind: null,
  disabled: false,
  twoFactorEnabled: false,
};

export const shop: Shop = {
  id: 1,
  name: '大沢マート',
  category: 'supermarket',
  kind: 'shop',
  openingHours: [{ day: 1, open: '09:00', close: '18:00' }],
};

export const catalogueItem: CatalogueItem = {
  id: 5,
  shopId: 1,
  name: '牛乳',
  priceYen: 220,
  unit: '本',
  photoUrl: '/api/shop-photos/5',
};

export const household: Household = {
  id: 7,
  name: '山田',
  kana: 'やまだ',
  address: '大沢1-2-3',
  districtId: 1,
  phone: '0123-45-6789',
  language: 'ja',
  needsAssistance: true,
  assistanceReason: '一人暮らし・車いす',
  notes: '',
  closedAt: null,
  closeReason: '',
  residents: [{ id: 9, name: '山田 太郎', birthYear: 1940 }],
  watcherIds: [4],
  terminal: { id: 3, online: true, lastSeenAt: at, revoked: false },
};

export const householdImport: HouseholdImport = {
  dryRun: true,
  encoding: 'shift_jis',
  columns: [
    { header: '氏名', field: 'name' },
    { header: 'ふりがな', field: 'kana' },
    { header: '住所', field: 'address' },
    { header: '電話番号', field: 'phone' },
    { header: '地区', field: 'district' },
    { header: '要援護者', field: 'needsAssistance' },
  ],
  ignoredColumns: ['生年月日'],
  rows: [
    {
      line: 2,
      name: '山田 太郎',
      kana: 'やまだ たろう',
      address: '大沢1-2-3',
      phone: '0422-11-2233',
      districtId: 1,
      districtName: '大沢',
      needsAssistance: true,
      assistanceReason: '',
      notes: '',
      action: 'create',
      problems: [],
      householdId: null,
    },
  ],
  counts: { create: 1, skip: 0, error: 0 },
};

export const terminalProfile: TerminalProfile = {
  terminalId: 3,
  householdId: 7,
  householdName: '山田',
  language: 'ja',
  districtId: 1,
  shops: [{ id: 1, name: '大沢マート', category: 'supermarket', kind: 'shop' }],
};

export const callInfo: CallInfo = {
  callId: 11,
  shopId: 1,
  shopName: '大沢マート',
  shopKind: 'shop',
  householdId: 7,
  householdName: '山田',
  operatorId: 6,
  operatorName: '鈴木',
  direction: 'inbound',
  status: 'connected',
};

export const queuePosition: QueuePosition = {
  callId: 11,
  shopId: 1,
  position: 2,
  ahead: 1,
  estimatedWaitSeconds: 90,
  notice: null,
  callback: false,
};

export const iceServers: IceServersResponse = {
  iceServers: [{ urls: 'stun:stun.example.org:3478' }],
  ttlSeconds: null,
};

export const operatorState: OperatorState = {
  operatorId: 6,
  name: '鈴木',
  shopId: 1,
  availability: 'available',
  activity: 'idle',
  callId: null,
  missedRings: 0,
};

export const queueView: QueueView = {
  shopId: 1,
  shopName: '大沢マート',
  shopKind: 'shop',
  open: true,
  entries: [{ callId: 11, householdId: 7, householdName: '山田', since: at, callback: false, ringingOperatorId: null }],
  operators: [operatorState],
  figures: {
    shopId: 1,
    waitingNow: 1,
    callbacksWaiting: 0,
    averageSpeedOfAnswerSeconds: 24,
    abandonmentRate: 0.05,
    answeredWithin20sShare: 0.8,
    averageHandleSeconds: 180,
    callsPerOperator: [{ operatorId: 6, answered: 12 }],
    answered: 12,
    abandoned: 1,
  },
};

export const receiptCounts: ReceiptCounts = {
  targeted: 120,
  delivered: 118,
  played: 110,
  acknowledged: 100,
  safe: 0,
  needHelp: 0,
  notAnswered: 20,
};

const content: AnnouncementContent = {
  id: 21,
  version: 1,
  kind: 'important',
  test: false,
  titleJa: '断水のお知らせ',
  bodyJa: '明日9時から12時まで断水します。',
  titleEn: 'Water outage',
  bodyEn: 'No water tomorrow from 9:00 to 12:00.',
  hasAudio: false,
  safetyCheck: false,
  publishedAt: at,
  expiresAt: null,
};

export const terminalAnnouncement: TerminalAnnouncement = { ...content, acknowledged: false, safetyAnswer: null };

export const announcement: Announcement = {
  ...content,
  status: 'published',
  target: { type: 'districts', districtIds: [1] },
  sendAt: null,
  source: 'console',
  createdBy: 'user:2:sato',
  approvedBy: null,
  pendingChange: null,
  revisedBy: null,
  createdAt: at,
  updatedAt: at,
  cancelledAt: null,
  counts: receiptCounts,
};

export const checkinStatus: CheckinStatus = {
  day: '2025-04-01',
  scheduled: true,
  deadline: '2025-04-01T01:00:00.000Z',
  checkedIn: true,
  checkedInAt: at,
};

export const checkinReminder: CheckinReminder = {
  stage: 'before',
  day: '2025-04-01',
  deadline: '2025-04-01T01:00:00.000Z',
  minutesLeft: 30,
};

export const checkinPlan: CheckinPlan = {
  householdId: 7,
  enabled: true,
  opensAt: '05:00',
  deadline: '10:00',
  days: [0, 1, 2, 3, 4, 5, 6],
  reminderMinutes: [30],
  graceMinutes: 60,
  ackTimeoutMinutes: 30,
  signsOfLife: ['checkin', 'call'],
  offlineAlertMinutes: 360,
  isDefault: false,
  updatedAt: at,
};

export const order: Order = {
  id: 31,
  shopId: 1,
  shopName: '大沢マート',
  householdId: 7,
  householdName: '山田',
  deliveryAddress: '東京都三鷹市大沢2-1-1',
  deliveryPhone: '0422-12-3456',
  callId: 11,
  status: 'awaiting_confirmation',
  lines: [{ itemId: 5, name: '牛乳', quantity: 2, unit: '本', priceYen: 220, photoUrl: null }],
  totalYen: 440,
  note: '',
  createdBy: 6,
  createdAt: at,
  confirmedAt: null,
  updatedAt: at,
  wellbeing: null,
  deliveryNote: '',
};

export const watchAlert: WatchAlert = {
  id: 41,
  kind: 'missed_checkin',
  householdId: 7,
  householdName: '山田',
  districtId: 1,
  day: '2025-04-01',
  state: 'open',
  level: 1,
  openedAt: at,
  nextEscalationAt: later,
  acknowledgedAt: null,
  acknowledgedBy: null,
  acknowledgedByName: null,
  resolvedAt: null,
  resolvedBy: null,
  resolvedByName: null,
  outcome: null,
  note: '',
  possibleOutage: false,
  announcementId: null,
  test: false,
  events: [{ id: 1, at, type: 'opened', actor: 'system', actorName: null, level: 1, detail: null }],
  deliveries: [
    {
      id: 71,
      channel: 'mail',
      userId: 4,
      userName: '福祉課 加藤',
      level: 1,
      status: 'sent',
      attempts: 1,
      lastError: null,
      createdAt: at,
      sentAt: at,
      nextAttemptAt: null,
      acknowledgedAt: null,
    },
  ],
};

export const helpStatus: HelpStatus = {
  alertId: 42,
  state: 'open',
  requestedAt: at,
  seenBy: null,
  seenAt: null,
};

export const notificationSettings: NotificationSettings = {
  email: 'kato@example.city',
  mail: true,
  push: true,
  disasterSupport: false,
  devices: [{ id: 3, label: 'Android のスマートフォン', createdAt: at, lastSuccessAt: at }],
  available: { mail: true, push: true },
  vapidPublicKey: 'BDd3_hVL9fZi9Ybo2UUzA284WG5FZR30_95YeZJsiApwXKpNcF1rRPF3foIiBHXRdJI2Qhumhf6_LFTeZaNndIo',
};

/** Every route's `4xx` answer. */
export const error: ErrorResponse = {
  error: {
    code: 'VALIDATION_FAILED',
    message: 'The request is not valid: body.titleJa is required',
    details: [{ path: 'body.titleJa', message: 'is required' }],
  },
};

/** What a route that only confirms answers. */
export const ok = { ok: true } as const;

export const systemStatus: SystemStatus = {
  ready: false,
  status: 'unavailable',
  checkedAt: at,
  checks: [
    {
      name: 'database',
      status: 'fail',
      critical: true,
      reason: 'disk_full',
      message: 'Cannot write: the disk is full (SQLITE_FULL).',
      since: at,
    },
    {
      name: 'migrations',
      status: 'ok',
      critical: true,
      message: 'Schema version 60 (current).',
      values: { version: 60 },
      since: at,
    },
    {
      name: 'disk',
      status: 'fail',
      critical: true,
      reason: 'full',
      message: 'The disk holding the data folder is full: 0 MiB free.',
      values: { freeBytes: 0, sizeBytes: 53687091200, warnBytes: 1073741824, reserveBytes: 268435456 },
      since: at,
    },
  ],
};

export const planTest: PlanTest = {
  id: 5,
  householdId: 7,
  startedAt: at,
  startedBy: '市役所 山田',
  stepMinutes: 1,
  deadline: '2025-04-01T00:01:00.000Z',
  firstLevelAt: '2025-04-01T00:02:00.000Z',
  secondLevelAt: '2025-04-01T00:03:00.000Z',
  alertId: null,
  state: 'running',
  endedAt: null,
  endReason: null,
};

/** A planned listening call that fell due (issue 16). */
export const scheduledCall: ScheduledCall = {
  id: 5,
  scheduleId: 4,
  householdId: 7,
  householdName: '山田',
  shopId: 2,
  dueAt: at,
  state: 'due',
  callId: null,
  note: '',
};

export const volumeTest: VolumeTest = { id: 9, requestedAt: at, heard: true, answeredAt: at };

export const fleetTerminal: FleetTerminal = {
  id: 3,
  householdId: 7,
  householdName: '山田',
  districtId: 1,
  online: true,
  lastSeenAt: at,
  revoked: false,
  appVersion: '0.1.0',
  protocolVersion: 1,
  address: '192.0.2.31',
  lastCheckinAt: at,
  volumeTest,
};
