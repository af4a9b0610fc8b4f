/**
 * The REST contract: every /api route of the hub, by `METHOD /path`, with what it takes (params,
 * query string, body) and what it answers (per status; `4xx` is always the `{ error }` body), and
 * an example of each. The hub registers its routes from this table (so a route cannot take another
 * schema than the table says) and the console's API client is typed from it.
 */

import type { Static, TSchema } from '@sinclair/typebox';
import {
  ApiKeyList,
  AuditList,
  AuditQuery,
  ChangePasswordBody,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateUserBody,
  LoginBody,
  ResetPasswordBody,
  SessionInfo,
  UpdateUserBody,
  User,
  UserList,
} from './accounts';
import {
  Announcement,
  AnnouncementList,
  AnnouncementListQuery,
  AnnouncementSettings,
  AudioUploaded,
  CapCreated,
  CapOutcome,
  CreateAnnouncementBody,
  DistrictCentroids,
  FollowUpList,
  FollowUpQuery,
  ReceiptCounts,
  SenderPolicy,
  SenderPolicyBody,
  SenderPolicyList,
  TargetPreview,
  TargetPreviewBody,
  UpdateAnnouncementBody,
} from './announcements';
import { CallHistory, CallHistoryQuery, IceServersResponse, QueueView, QueueViewList } from './calls';
import { CheckinPlan, CheckinPlanBody, HouseholdIdParams } from './checkins';
import { Binary, IdParams, OkResponse } from './common';
import * as ex from './examples';
import {
  AssignWatcherBody,
  CreateHouseholdBody,
  DistrictList,
  Household,
  HouseholdList,
  HouseholdListQuery,
  UpdateHouseholdBody,
  WatcherParams,
} from './households';
import {
  JMA_CONTENT_TYPES,
  JMA_TEMPLATE_IDS,
  JmaAnnounced,
  JmaNotAnnounced,
  JmaSettings,
  JmaTelegramList,
  JmaTelegramQuery,
  JmaTelegramRecord,
  type JmaTemplate,
  type JmaTemplateId,
  UpdateJmaSettingsBody,
} from './jma';
import {
  CreateOrderBody,
  DeliverBody,
  Order,
  OrderList,
  OrderStatusBody,
  OrdersQuery,
  UpdateOrderLinesBody,
} from './orders';
import {
  Catalogue,
  CatalogueItem,
  CreateItemBody,
  CreateShopBody,
  Shop,
  ShopItemParams,
  ShopList,
  UpdateItemBody,
  UpdateShopBody,
} from './shops';
import { SpeechPreview, SpeechPreviewBody, SpeechQuery } from './speech';
import {
  EnrollBody,
  EnrollmentCodeIssued,
  EnrollResponse,
  IssueEnrollmentCodeBody,
  TerminalList,
  TerminalProfile,
} from './terminals';
import {
  AlertIdParams,
  AlertListQuery,
  HistoryQuery,
  ResidentHistory,
  ResolveAlertBody,
  WatchAlert,
  WatchAlertList,
  WatchBoard,
} from './watch';
import { type RouteKey, type RouteSpec, route } from './wire';

const ok = { ok: true } as const;
const id = { id: 7 };
const item = { id: 1, itemId: 5 };
const household = { householdId: 7 };
/** The CAP media types POST /api/cap takes. */
export const CAP_CONTENT_TYPES = ['application/cap+xml', 'application/xml'] as const;
/** The photo types PUT …/items/:itemId/photo takes. */
export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
const apiKey = {
  id: 3,
  name: '防災システム',
  role: 'cityhall',
  prefix: 'tsk_3f9a',
  createdAt: ex.at,
  revokedAt: null,
} as const;
const district = { id: 1, code: 'osawa', name: '大沢', nameEn: 'Osawa' };
const centroids = { centroids: [{ districtId: 1, lat: 35.68, lon: 139.77 }] };
const plan = { ...ex.checkinPlan, householdId: 7 };
const senderPolicy = {
  apiKeyId: 3,
  capSender: 'jalert@city.example.lg.jp',
  publish: 'auto',
  updatedBy: 'user:1:admin',
  updatedAt: ex.at,
} as const;
const telegram: JmaTelegramRecord = {
  id: 71,
  receivedAt: ex.at,
  source: 'api',
  receivedFrom: 'apikey:3',
  sha256: 'd2a84f4b8b650937ec8f73cd8be2c74add5a911ba64df27458ed8229da804a26',
  title: '震源・震度に関する情報',
  kind: 'quakeInfo',
  mode: 'live',
  infoType: 'issue',
  eventId: '20250401090000',
  serial: 1,
  reportAt: ex.at,
  headline: '９時００分ころ、地震がありました。',
  decision: 'announced',
  reasonCode: 'intensity_emergency',
  reasonJa: '市内で震度5弱',
  reasonEn: 'Intensity 5- in the city',
  announcementId: 21,
  withdrawnIds: [],
};
const template = {
  titleJa: '地震',
  bodyJa: '強い揺れに警戒してください。',
  titleEn: 'Earthquake',
  bodyEn: 'Watch out.',
};
const jmaSettings: JmaSettings = {
  areas: [{ type: 'city', code: '1310100' }],
  areasSource: 'admin',
  policy: {
    eew: 'emergency',
    intensityEmergencyFrom: '5-',
    intensityImportantFrom: '4',
    intensitySafetyCheck: true,
    tsunamiMajor: 'emergency',
    tsunamiWarning: 'emergency',
    tsunamiAdvisory: 'important',
    allClear: true,
    eewExpiresMinutes: 10,
    noticeExpiresHours: 24,
    templates: Object.fromEntries(JMA_TEMPLATE_IDS.map((id) => [id, template])) as Record<JmaTemplateId, JmaTemplate>,
  },
  maxAgeSeconds: 600,
  feeds: [],
};
const { householdId: _h, isDefault: _d, updatedAt: _u, ...planBody } = plan;

export const api = {
  // ---- accounts: sign-in, staff accounts, API keys, audit ----------------------------------
  'POST /api/auth/login': route({
    body: LoginBody,
    response: { 200: SessionInfo },
    examples: {
      body: { username: 'sato', password: 'correct-horse-battery' },
      response: { 200: { user: ex.user, csrfToken: 'b1946ac92492d2347c6235b4d2611184' } },
    },
  }),
  'POST /api/auth/logout': route({ response: { 200: OkResponse }, examples: { response: { 200: ok } } }),
  'GET /api/auth/session': route({
    response: { 200: SessionInfo },
    examples: { response: { 200: { user: ex.user, csrfToken: 'b1946ac92492d2347c6235b4d2611184' } } },
  }),
  'POST /api/auth/password': route({
    body: ChangePasswordBody,
    response: { 200: OkResponse },
    examples: { body: { currentPassword: 'old-password', newPassword: 'a-much-longer-one' }, response: { 200: ok } },
  }),
  'GET /api/users': route({ response: { 200: UserList }, examples: { response: { 200: { users: [ex.user] } } } }),
  'POST /api/users': route({
    body: CreateUserBody,
    response: { 201: User },
    examples: {
      body: { username: 'sato', displayName: '佐藤 花子', password: 'a-much-longer-one', role: 'cityhall' },
      response: { 201: ex.user },
    },
  }),
  'PATCH /api/users/:id': route({
    params: IdParams,
    body: UpdateUserBody,
    response: { 200: User },
    examples: { params: { id: 2 }, body: { disabled: true }, response: { 200: { ...ex.user, disabled: true } } },
  }),
  'POST /api/users/:id/password': route({
    params: IdParams,
    body: ResetPasswordBody,
    response: { 200: OkResponse },
    examples: { params: { id: 2 }, body: { newPassword: 'a-much-longer-one' }, response: { 200: ok } },
  }),
  'GET /api/api-keys': route({
    response: { 200: ApiKeyList },
    examples: { response: { 200: { apiKeys: [apiKey] } } },
  }),
  'POST /api/api-keys': route({
    body: CreateApiKeyBody,
    response: { 201: CreatedApiKey },
    examples: {
      body: { name: '防災システム', role: 'cityhall' },
      response: { 201: { apiKey, key: 'tsk_3f9a0c6d2b7e4f1a8c9d0e1f2a3b4c5d' } },
    },
  }),
  'DELETE /api/api-keys/:id': route({
    params: IdParams,
    response: { 200: OkResponse },
    examples: { params: { id: 3 }, response: { 200: ok } },
  }),
  'GET /api/audit': route({
    querystring: AuditQuery,
    response: { 200: AuditList },
    examples: {
      querystring: { limit: 50, beforeId: 1200 },
      response: {
        200: {
          entries: [
            {
              id: 1199,
              at: ex.at,
              actor: 'user:2:sato',
              action: 'auth.login',
              target: null,
              ip: '192.0.2.7',
              detail: null,
            },
          ],
        },
      },
    },
  }),

  // ---- households, districts, watchers -----------------------------------------------------
  'GET /api/districts': route({
    response: { 200: DistrictList },
    examples: { response: { 200: { districts: [district] } } },
  }),
  'GET /api/households': route({
    querystring: HouseholdListQuery,
    response: { 200: HouseholdList },
    examples: { querystring: { districtId: 1 }, response: { 200: { households: [ex.household] } } },
  }),
  'GET /api/households/:id': route({
    params: IdParams,
    response: { 200: Household },
    examples: { params: id, response: { 200: ex.household } },
  }),
  'POST /api/households': route({
    body: CreateHouseholdBody,
    response: { 201: Household },
    examples: {
      body: { name: '山田', address: '大沢1-2-3', districtId: 1, residents: [{ name: '山田 太郎', birthYear: 1940 }] },
      response: { 201: { ...ex.household, watcherIds: [], terminal: null } },
    },
  }),
  'PATCH /api/households/:id': route({
    params: IdParams,
    body: UpdateHouseholdBody,
    response: { 200: Household },
    examples: { params: id, body: { needsAssistance: true }, response: { 200: ex.household } },
  }),
  'POST /api/households/:id/watchers': route({
    params: IdParams,
    body: AssignWatcherBody,
    response: { 200: OkResponse },
    examples: { params: id, body: { userId: 4, level: 1 }, response: { 200: ok } },
  }),
  'DELETE /api/households/:id/watchers/:userId': route({
    params: WatcherParams,
    response: { 200: OkResponse },
    examples: { params: { id: 7, userId: 4 }, response: { 200: ok } },
  }),

  // ---- terminals: enrollment, status, profile ----------------------------------------------
  'POST /api/households/:id/enrollment-codes': route({
    params: IdParams,
    body: IssueEnrollmentCodeBody,
    response: { 201: EnrollmentCodeIssued },
    examples: {
      params: id,
      body: { ttlMinutes: 60 },
      response: { 201: { code: '48213907', householdId: 7, expiresAt: ex.later } },
    },
  }),
  'POST /api/terminals/enroll': route({
    body: EnrollBody,
    response: { 200: EnrollResponse },
    examples: {
      body: { code: '48213907', deviceName: '山田さんの端末' },
      response: { 200: { terminalId: 3, householdId: 7, credential: 'tsd_9c2f6e1b0a7d4c3e8f5a6b7c8d9e0f1a' } },
    },
  }),
  'GET /api/terminals': route({
    response: { 200: TerminalList },
    examples: {
      response: { 200: { terminals: [{ id: 3, householdId: 7, online: true, lastSeenAt: ex.at, revoked: false }] } },
    },
  }),
  'POST /api/terminals/:id/revoke': route({
    params: IdParams,
    response: { 200: OkResponse },
    examples: { params: { id: 3 }, response: { 200: ok } },
  }),
  'GET /api/terminal/profile': route({
    response: { 200: TerminalProfile },
    examples: { response: { 200: ex.terminalProfile } },
  }),

  // ---- shops and catalogues ----------------------------------------------------------------
  'GET /api/shops': route({ response: { 200: ShopList }, examples: { response: { 200: { shops: [ex.shop] } } } }),
  'GET /api/shops/:id/catalogue': route({
    params: IdParams,
    response: { 200: Catalogue },
    examples: { params: { id: 1 }, response: { 200: { shop: ex.shop, items: [ex.catalogueItem] } } },
  }),
  'POST /api/shops': route({
    body: CreateShopBody,
    response: { 201: Shop },
    examples: {
      body: { name: '大沢マート', category: 'supermarket', kind: 'shop', openingHours: ex.shop.openingHours },
      response: { 201: ex.shop },
    },
  }),
  'PATCH /api/shops/:id': route({
    params: IdParams,
    body: UpdateShopBody,
    response: { 200: Shop },
    examples: { params: { id: 1 }, body: { openingHours: ex.shop.openingHours }, response: { 200: ex.shop } },
  }),
  'DELETE /api/shops/:id': route({
    params: IdParams,
    response: { 200: OkResponse },
    examples: { params: { id: 1 }, response: { 200: ok } },
  }),
  'POST /api/shops/:id/items': route({
    params: IdParams,
    body: CreateItemBody,
    response: { 201: CatalogueItem },
    examples: {
      params: { id: 1 },
      body: { name: '牛乳', priceYen: 220, unit: '本' },
      response: { 201: { ...ex.catalogueItem, photoUrl: null } },
    },
  }),
  'PATCH /api/shops/:id/items/:itemId': route({
    params: ShopItemParams,
    body: UpdateItemBody,
    response: { 200: CatalogueItem },
    examples: { params: item, body: { priceYen: 230 }, response: { 200: { ...ex.catalogueItem, priceYen: 230 } } },
  }),
  'DELETE /api/shops/:id/items/:itemId': route({
    params: ShopItemParams,
    response: { 200: OkResponse },
    examples: { params: item, response: { 200: ok } },
  }),
  'PUT /api/shops/:id/items/:itemId/photo': route({
    params: ShopItemParams,
    consumes: PHOTO_CONTENT_TYPES,
    response: { 200: CatalogueItem },
    examples: { params: item, response: { 200: ex.catalogueItem } },
  }),
  'GET /api/shop-photos/:id': route({
    params: IdParams,
    produces: 'image/jpeg, image/png or image/webp',
    response: { 200: Binary },
    examples: { params: { id: 5 }, response: { 200: '(the photo)' } },
  }),

  // ---- calls -------------------------------------------------------------------------------
  'GET /api/calls/queues': route({
    response: { 200: QueueViewList },
    examples: { response: { 200: { queues: [ex.queueView] } } },
  }),
  'GET /api/calls/queues/:id': route({
    params: IdParams,
    response: { 200: QueueView },
    examples: { params: { id: 1 }, response: { 200: ex.queueView } },
  }),
  'GET /api/calls': route({
    querystring: CallHistoryQuery,
    response: { 200: CallHistory },
    examples: {
      querystring: { shopId: 1, limit: 100 },
      response: {
        200: {
          calls: [
            {
              callId: 11,
              shopId: 1,
              householdId: 7,
              householdName: '山田',
              operatorId: 6,
              direction: 'inbound',
              status: 'ended',
              requestedAt: ex.at,
              answeredAt: ex.at,
              endedAt: ex.later,
            },
          ],
        },
      },
    },
  }),
  'GET /api/calls/ice-servers': route({
    response: { 200: IceServersResponse },
    examples: { response: { 200: ex.iceServers } },
  }),

  // ---- orders ------------------------------------------------------------------------------
  'GET /api/orders': route({
    querystring: OrdersQuery,
    response: { 200: OrderList },
    examples: { querystring: { shopId: 1, status: 'received', limit: 100 }, response: { 200: { orders: [ex.order] } } },
  }),
  'GET /api/orders/:id': route({
    params: IdParams,
    response: { 200: Order },
    examples: { params: { id: 31 }, response: { 200: ex.order } },
  }),
  'POST /api/orders': route({
    body: CreateOrderBody,
    response: { 201: Order },
    examples: {
      body: { shopId: 1, householdId: 7, callId: 11, lines: [{ itemId: 5, quantity: 2 }] },
      response: { 201: { ...ex.order, status: 'draft' } },
    },
  }),
  'PUT /api/orders/:id/lines': route({
    params: IdParams,
    body: UpdateOrderLinesBody,
    response: { 200: Order },
    examples: {
      params: { id: 31 },
      body: { lines: [{ itemId: null, name: '食パン', quantity: 1, unit: '斤', priceYen: 180 }], note: '八枚切り' },
      response: { 200: { ...ex.order, status: 'draft' } },
    },
  }),
  'POST /api/orders/:id/send': route({
    params: IdParams,
    response: { 200: Order },
    examples: { params: { id: 31 }, response: { 200: ex.order } },
  }),
  'POST /api/orders/:id/status': route({
    params: IdParams,
    body: OrderStatusBody,
    response: { 200: Order },
    examples: {
      params: { id: 31 },
      body: { status: 'preparing' },
      response: { 200: { ...ex.order, status: 'preparing' } },
    },
  }),
  'POST /api/orders/:id/deliver': route({
    params: IdParams,
    body: DeliverBody,
    response: { 200: Order },
    examples: {
      params: { id: 31 },
      body: { wellbeing: 'well', note: 'お元気そうでした' },
      response: { 200: { ...ex.order, status: 'delivered', wellbeing: 'well', deliveryNote: 'お元気そうでした' } },
    },
  }),

  // ---- watch: check-in plans, board, alerts, history ---------------------------------------
  'GET /api/watch/plans/:householdId': route({
    params: HouseholdIdParams,
    response: { 200: CheckinPlan },
    examples: { params: household, response: { 200: plan } },
  }),
  'PUT /api/watch/plans/:householdId': route({
    params: HouseholdIdParams,
    body: CheckinPlanBody,
    response: { 200: CheckinPlan },
    examples: { params: household, body: planBody, response: { 200: plan } },
  }),
  'DELETE /api/watch/plans/:householdId': route({
    params: HouseholdIdParams,
    response: { 200: CheckinPlan },
    examples: { params: household, response: { 200: { ...plan, isDefault: true, updatedAt: null } } },
  }),
  'GET /api/watch/board': route({
    response: { 200: WatchBoard },
    examples: {
      response: {
        200: {
          day: '2025-04-01',
          generatedAt: ex.at,
          rows: [
            {
              householdId: 7,
              householdName: '山田',
              districtId: 1,
              status: 'checked_in',
              deadline: '2025-04-01T01:00:00.000Z',
              checkedInAt: ex.at,
              mood: 'good',
              signOfLife: 'checkin',
              terminalOnline: true,
              openAlertIds: [],
              possibleOutage: false,
            },
          ],
          counts: { checked_in: 1 },
        },
      },
    },
  }),
  'GET /api/watch/alerts': route({
    querystring: AlertListQuery,
    response: { 200: WatchAlertList },
    examples: { querystring: { state: 'active', limit: 100 }, response: { 200: { alerts: [ex.watchAlert] } } },
  }),
  'GET /api/watch/alerts/:id': route({
    params: AlertIdParams,
    response: { 200: WatchAlert },
    examples: { params: { id: 41 }, response: { 200: ex.watchAlert } },
  }),
  'POST /api/watch/alerts/:id/acknowledge': route({
    params: AlertIdParams,
    response: { 200: WatchAlert },
    examples: {
      params: { id: 41 },
      response: {
        200: { ...ex.watchAlert, state: 'acknowledged', acknowledgedAt: ex.at, acknowledgedBy: 'user:4:kato' },
      },
    },
  }),
  'POST /api/watch/alerts/:id/resolve': route({
    params: AlertIdParams,
    body: ResolveAlertBody,
    response: { 200: WatchAlert },
    examples: {
      params: { id: 41 },
      body: { outcome: 'visited_fine', note: '訪問して元気を確認' },
      response: { 200: { ...ex.watchAlert, state: 'resolved', outcome: 'visited_fine', resolvedAt: ex.at } },
    },
  }),
  'GET /api/watch/households/:householdId/history': route({
    params: HouseholdIdParams,
    querystring: HistoryQuery,
    response: { 200: ResidentHistory },
    examples: {
      params: household,
      querystring: { days: 30 },
      response: {
        200: {
          householdId: 7,
          householdName: '山田',
          days: [{ day: '2025-04-01', status: 'checked_in', checkedInAt: ex.at, mood: 'good', signs: ['checkin'] }],
        },
      },
    },
  }),

  // ---- announcements, voice clips, CAP -----------------------------------------------------
  'POST /api/announcements': route({
    body: CreateAnnouncementBody,
    response: { 201: Announcement },
    examples: {
      body: {
        kind: 'important',
        titleJa: '断水のお知らせ',
        bodyJa: '明日9時から12時まで断水します。',
        target: { type: 'districts', districtIds: [1] },
      },
      response: { 201: ex.announcement },
    },
  }),
  'POST /api/announcements/preview': route({
    body: TargetPreviewBody,
    response: { 200: TargetPreview },
    examples: {
      body: { target: { type: 'all' } },
      response: { 200: { households: 120, terminals: 118, onlineTerminals: 110 } },
    },
  }),
  'GET /api/announcements': route({
    querystring: AnnouncementListQuery,
    response: { 200: AnnouncementList },
    examples: { querystring: { limit: 50 }, response: { 200: { announcements: [ex.announcement] } } },
  }),
  'GET /api/announcements/settings': route({
    response: { 200: AnnouncementSettings },
    examples: { response: { 200: { requireEmergencyApproval: true } } },
  }),
  'PUT /api/announcements/settings': route({
    body: AnnouncementSettings,
    response: { 200: AnnouncementSettings },
    examples: { body: { requireEmergencyApproval: false }, response: { 200: { requireEmergencyApproval: false } } },
  }),
  'GET /api/announcements/district-centroids': route({
    response: { 200: DistrictCentroids },
    examples: { response: { 200: centroids } },
  }),
  'PUT /api/announcements/district-centroids': route({
    body: DistrictCentroids,
    response: { 200: DistrictCentroids },
    examples: { body: centroids, response: { 200: centroids } },
  }),
  'GET /api/announcements/:id': route({
    params: IdParams,
    response: { 200: Announcement },
    examples: { params: { id: 21 }, response: { 200: ex.announcement } },
  }),
  'PATCH /api/announcements/:id': route({
    params: IdParams,
    body: UpdateAnnouncementBody,
    response: { 200: Announcement },
    examples: {
      params: { id: 21 },
      body: { titleJa: '断水のお知らせ（訂正）' },
      response: { 200: { ...ex.announcement, version: 2, titleJa: '断水のお知らせ（訂正）' } },
    },
  }),
  'POST /api/announcements/:id/cancel': route({
    params: IdParams,
    response: { 200: Announcement },
    examples: {
      params: { id: 21 },
      response: { 200: { ...ex.announcement, status: 'cancelled', cancelledAt: ex.at } },
    },
  }),
  'POST /api/announcements/:id/approve': route({
    params: IdParams,
    response: { 200: Announcement },
    examples: { params: { id: 21 }, response: { 200: { ...ex.announcement, approvedBy: 'user:5:ito' } } },
  }),
  'GET /api/announcements/:id/receipts': route({
    params: IdParams,
    response: { 200: ReceiptCounts },
    examples: { params: { id: 21 }, response: { 200: ex.receiptCounts } },
  }),
  'GET /api/announcements/:id/follow-ups': route({
    params: IdParams,
    querystring: FollowUpQuery,
    response: { 200: FollowUpList },
    examples: {
      params: { id: 21 },
      querystring: { sort: 'needsAssistance' },
      response: {
        200: {
          households: [
            {
              householdId: 7,
              name: '山田',
              address: '大沢1-2-3',
              phone: null,
              districtId: 1,
              districtName: '大沢',
              needsAssistance: true,
              state: 'not_answered',
              delivered: true,
            },
          ],
        },
      },
    },
  }),
  'GET /api/announcements/:id/follow-ups.csv': route({
    params: IdParams,
    querystring: FollowUpQuery,
    produces: 'text/csv; charset=utf-8',
    response: { 200: Binary },
    examples: { params: { id: 21 }, querystring: { sort: 'district' }, response: { 200: '世帯ID,世帯名,…' } },
  }),
  'GET /api/announcements/:id/cap': route({
    params: IdParams,
    produces: 'application/cap+xml; charset=utf-8',
    response: { 200: Binary },
    examples: {
      params: { id: 21 },
      response: { 200: '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">…</alert>' },
    },
  }),
  'POST /api/announcements/audio': route({
    consumes: ['multipart/form-data'],
    response: { 201: AudioUploaded },
    examples: {
      response: { 201: { audioId: '0123456789abcdef0123456789abcdef', mimeType: 'audio/ogg', bytes: 48213 } },
    },
  }),
  'GET /api/announcements/:id/audio': route({
    params: IdParams,
    produces: 'audio/*',
    response: { 200: Binary },
    examples: { params: { id: 21 }, response: { 200: '(the voice clip)' } },
  }),
  'GET /api/terminal/announcements/:id/audio': route({
    params: IdParams,
    produces: 'audio/*',
    response: { 200: Binary },
    examples: { params: { id: 21 }, response: { 200: '(the voice clip)' } },
  }),
  'GET /api/announcements/:id/speech': route({
    params: IdParams,
    querystring: SpeechQuery,
    produces: 'audio/ogg',
    description:
      'The hub-made voice clip (audio/ogg, Opus) of the announcement in `lang` (default ja), for city hall staff and API keys and for the terminals it was sent to. 404 when there is none (the terminal then uses its own speech).',
    response: { 200: Binary },
    examples: { params: { id: 21 }, querystring: { lang: 'ja' }, response: { 200: '(the voice clip)' } },
  }),
  'POST /api/announcements/speech-preview': route({
    body: SpeechPreviewBody,
    description:
      'Makes the voice clip of an announcement before it is sent, with what the engine will say in katakana, so city hall can listen and add readings (ふりがな).',
    response: { 200: SpeechPreview },
    examples: {
      body: {
        kind: 'important',
        title: '断水のお知らせ',
        body: '大字大沢で明日断水します。',
        readings: [{ text: '大字', reading: 'おおあざ' }],
      },
      response: {
        200: {
          language: 'ja',
          pronunciation: 'ダンスイノオシラセ',
          durationMs: 4200,
          bytes: 21504,
          audioBase64: 'T2dnUwACAAAAAAAAAAA=',
        },
      },
    },
  }),
  'POST /api/cap': route({
    consumes: CAP_CONTENT_TYPES,
    description:
      "Ingest a Common Alerting Protocol 1.2 (or 1.1) message from an alerting system's API key (a person's session is refused: 403 API_KEY_REQUIRED). The message's <sender> must be the one city hall bound to the key (403 CAP_SENDER_NOT_ALLOWED); the key's policy decides whether it is published at once or held for approval. 201 { announcementId } when announced or held; 200 { reason } when valid but nothing to announce.",
    response: { 200: CapOutcome, 201: CapCreated },
    examples: {
      response: { 200: { reason: 'already announced', announcementId: 21 }, 201: { announcementId: 21 } },
    },
  }),
  'GET /api/announcements/sender-policies': route({
    response: { 200: SenderPolicyList },
    examples: { response: { 200: { policies: [senderPolicy] } } },
  }),
  'PUT /api/announcements/sender-policies/:id': route({
    params: IdParams,
    body: SenderPolicyBody,
    response: { 200: SenderPolicy },
    examples: {
      params: { id: 3 },
      body: { capSender: 'jalert@city.example.lg.jp', publish: 'auto' },
      response: { 200: senderPolicy },
    },
  }),
  'GET /api/cap/feed': route({
    produces: 'application/atom+xml; charset=utf-8',
    description:
      "The city's live public announcements (whole city or districts, not drills) as CAP 1.2 entries of an Atom feed; withdrawn ones stay a day as their CAP Cancel.",
    response: { 200: Binary },
    examples: { response: { 200: '<feed xmlns="http://www.w3.org/2005/Atom">…</feed>' } },
  }),
  'GET /api/cap/alerts/:id': route({
    params: IdParams,
    produces: 'application/cap+xml; charset=utf-8',
    description: 'One announcement of the public feed as CAP 1.2.',
    response: { 200: Binary },
    examples: {
      params: { id: 21 },
      response: { 200: '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">…</alert>' },
    },
  }),

  // ---- JMA gateway ---------------------------------------------------------------------------
  'POST /api/jma': route({
    consumes: JMA_CONTENT_TYPES,
    description:
      'One JMA disaster-information XML telegram (気象庁防災情報XML). 201 when it made or changed an announcement; 200 { result: ignored | duplicate | withdrawn, reason } otherwise.',
    response: { 200: JmaNotAnnounced, 201: JmaAnnounced },
    examples: {
      response: {
        200: { result: 'ignored', reason: 'Not for this city', reasonJa: '市の区域外です', telegramId: 71 },
        201: {
          result: 'announced',
          announcementId: 21,
          withdrawnIds: [],
          reason: 'Intensity 5- in the city',
          reasonJa: '市内で震度5弱',
          telegramId: 71,
        },
      },
    },
  }),
  'GET /api/jma/telegrams': route({
    querystring: JmaTelegramQuery,
    response: { 200: JmaTelegramList },
    examples: { querystring: { limit: 50, beforeId: 80 }, response: { 200: { telegrams: [telegram] } } },
  }),
  'GET /api/jma/telegrams/:id': route({
    params: IdParams,
    response: { 200: JmaTelegramRecord },
    examples: { params: { id: 71 }, response: { 200: telegram } },
  }),
  'GET /api/jma/telegrams/:id/xml': route({
    params: IdParams,
    produces: 'application/xml; charset=utf-8',
    response: { 200: Binary },
    examples: { params: { id: 71 }, response: { 200: '<Report xmlns="http://xml.kishou.go.jp/jmaxml1/">…</Report>' } },
  }),
  'GET /api/jma/settings': route({ response: { 200: JmaSettings }, examples: { response: { 200: jmaSettings } } }),
  'PATCH /api/jma/settings': route({
    body: UpdateJmaSettingsBody,
    response: { 200: JmaSettings },
    examples: { body: { areas: jmaSettings.areas }, response: { 200: jmaSettings } },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;

export type Api = typeof api;
export type ApiRouteKey = keyof Api;

type StaticOf<S> = S extends TSchema ? Static<S> : never;
type Part<S, K extends string, Optional extends boolean> = S extends TSchema
  ? Optional extends true
    ? { [P in K]?: Static<S> }
    : { [P in K]: Static<S> }
  : unknown;

/** What a client passes to call route `K`: its params, query string and body (as the table types them). */
export type ApiInput<K extends ApiRouteKey> = Part<Api[K]['params'], 'params', false> &
  Part<Api[K]['querystring'], 'query', true> &
  Part<Api[K]['body'], 'body', false>;

/** What route `K` answers on success (its 2xx schemas). */
export type ApiResponse<K extends ApiRouteKey> = {
  [S in keyof Api[K]['response']]: S extends 200 | 201 | 204 ? StaticOf<Api[K]['response'][S]> : never;
}[keyof Api[K]['response']];

/** Routes that answer JSON (the others are links: CSV, XML, audio, photos). */
export type JsonRouteKey = { [K in ApiRouteKey]: Api[K] extends { produces: string } ? never : K }[ApiRouteKey];
/** Routes whose body is not JSON (uploads, CAP XML). */
export type UploadRouteKey = {
  [K in ApiRouteKey]: Api[K] extends { consumes: readonly string[] } ? K : never;
}[ApiRouteKey];
/** Routes that answer something other than JSON: the console links to them. */
export type LinkRouteKey = Exclude<ApiRouteKey, JsonRouteKey>;
