/** Routes of the REST table (api.ts): announcements, voice clips, CAP in and out, and the JMA gateway. */
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
} from '../announcements';
import { Binary } from '../common';
import * as ex from '../examples';
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
} from '../jma';
import { SpeechPreview, SpeechPreviewBody, SpeechQuery } from '../speech';
import { onRecord, type RouteKey, type RouteSpec, route, sample } from '../wire';

const centroids = { centroids: [{ districtId: 1, lat: 35.68, lon: 139.77 }] };
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
/** The CAP media types POST /api/cap takes. */
export const CAP_CONTENT_TYPES = ['application/cap+xml', 'application/xml'] as const;

export const announcementsRoutes = {
  // ---- announcements, voice clips, CAP -----------------------------------------------------
  'POST /api/announcements': route({
    body: sample(CreateAnnouncementBody, {
      kind: 'important',
      titleJa: '断水のお知らせ',
      bodyJa: '明日9時から12時まで断水します。',
      target: { type: 'districts', districtIds: [1] },
    }),
    response: { 201: sample(Announcement, ex.announcement) },
  }),
  'POST /api/announcements/preview': route({
    body: sample(TargetPreviewBody, { target: { type: 'all' } }),
    response: { 200: sample(TargetPreview, { households: 120, terminals: 118, onlineTerminals: 110 }) },
  }),
  'GET /api/announcements': route({
    querystring: sample(AnnouncementListQuery, { limit: 50 }),
    response: { 200: sample(AnnouncementList, { announcements: [ex.announcement] }) },
  }),
  'GET /api/announcements/settings': route({
    response: { 200: sample(AnnouncementSettings, { requireEmergencyApproval: true }) },
  }),
  'PUT /api/announcements/settings': route({
    body: sample(AnnouncementSettings, { requireEmergencyApproval: false }),
    response: { 200: sample(AnnouncementSettings, { requireEmergencyApproval: false }) },
  }),
  'GET /api/announcements/district-centroids': route({ response: { 200: sample(DistrictCentroids, centroids) } }),
  'PUT /api/announcements/district-centroids': route({
    body: sample(DistrictCentroids, centroids),
    response: { 200: sample(DistrictCentroids, centroids) },
  }),
  'GET /api/announcements/:id': onRecord(21, { response: { 200: sample(Announcement, ex.announcement) } }),
  'PATCH /api/announcements/:id': onRecord(21, {
    body: sample(UpdateAnnouncementBody, { titleJa: '断水のお知らせ（訂正）' }),
    response: { 200: sample(Announcement, { ...ex.announcement, version: 2, titleJa: '断水のお知らせ（訂正）' }) },
  }),
  'POST /api/announcements/:id/cancel': onRecord(21, {
    response: { 200: sample(Announcement, { ...ex.announcement, status: 'cancelled', cancelledAt: ex.at }) },
  }),
  'POST /api/announcements/:id/approve': onRecord(21, {
    response: { 200: sample(Announcement, { ...ex.announcement, approvedBy: 'user:5:ito' }) },
  }),
  'GET /api/announcements/:id/receipts': onRecord(21, { response: { 200: sample(ReceiptCounts, ex.receiptCounts) } }),
  'GET /api/announcements/:id/follow-ups': onRecord(21, {
    querystring: sample(FollowUpQuery, { sort: 'needsAssistance' }),
    response: {
      200: sample(FollowUpList, {
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
            hasTerminal: true,
          },
        ],
      }),
    },
  }),
  'GET /api/announcements/:id/follow-ups.csv': onRecord(21, {
    querystring: sample(FollowUpQuery, { sort: 'district' }),
    produces: 'text/csv; charset=utf-8',
    response: { 200: sample(Binary, '世帯ID,世帯名,…') },
  }),
  'GET /api/announcements/:id/cap': onRecord(21, {
    produces: 'application/cap+xml; charset=utf-8',
    response: { 200: sample(Binary, '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">…</alert>') },
  }),
  'POST /api/announcements/audio': route({
    consumes: ['multipart/form-data'],
    response: {
      201: sample(AudioUploaded, { audioId: '0123456789abcdef0123456789abcdef', mimeType: 'audio/ogg', bytes: 48213 }),
    },
  }),
  'GET /api/announcements/:id/audio': onRecord(21, {
    produces: 'audio/*',
    response: { 200: sample(Binary, '(the voice clip)') },
  }),
  'GET /api/terminal/announcements/:id/audio': onRecord(21, {
    produces: 'audio/*',
    response: { 200: sample(Binary, '(the voice clip)') },
  }),
  'GET /api/announcements/:id/speech': onRecord(21, {
    querystring: sample(SpeechQuery, { lang: 'ja' }),
    produces: 'audio/ogg',
    description:
      'The hub-made voice clip (audio/ogg, Opus) of the announcement in `lang` (default ja), for city hall staff and API keys and for the terminals it was sent to. 404 when there is none (the terminal then uses its own speech).',
    response: { 200: sample(Binary, '(the voice clip)') },
  }),
  'POST /api/announcements/speech-preview': route({
    body: sample(SpeechPreviewBody, {
      kind: 'important',
      title: '断水のお知らせ',
      body: '大字大沢で明日断水します。',
      readings: [{ text: '大字', reading: 'おおあざ' }],
    }),
    description:
      'Makes the voice clip of an announcement before it is sent, with what the engine will say in katakana, so city hall can listen and add readings (ふりがな).',
    response: {
      200: sample(SpeechPreview, {
        language: 'ja',
        pronunciation: 'ダンスイノオシラセ',
        durationMs: 4200,
        bytes: 21504,
        audioBase64: 'T2dnUwACAAAAAAAAAAA=',
      }),
    },
  }),
  'POST /api/cap': route({
    consumes: CAP_CONTENT_TYPES,
    description:
      "Ingest a Common Alerting Protocol 1.2 (or 1.1) message from an alerting system's API key (a person's session is refused: 403 API_KEY_REQUIRED). The message's <sender> must be the one city hall bound to the key (403 CAP_SENDER_NOT_ALLOWED); the key's policy decides whether it is published at once or held for approval. 201 { announcementId } when announced or held; 200 { reason } when valid but nothing to announce.",
    response: {
      200: sample(CapOutcome, { reason: 'already announced', announcementId: 21 }),
      201: sample(CapCreated, { announcementId: 21 }),
    },
  }),
  'GET /api/announcements/sender-policies': route({
    response: { 200: sample(SenderPolicyList, { policies: [senderPolicy] }) },
  }),
  'PUT /api/announcements/sender-policies/:id': onRecord(3, {
    body: sample(SenderPolicyBody, { capSender: 'jalert@city.example.lg.jp', publish: 'auto' }),
    response: { 200: sample(SenderPolicy, senderPolicy) },
  }),
  'GET /api/cap/feed': route({
    produces: 'application/atom+xml; charset=utf-8',
    description:
      "The city's live public announcements (whole city or districts, not drills) as CAP 1.2 entries of an Atom feed; withdrawn ones stay a day as their CAP Cancel.",
    response: { 200: sample(Binary, '<feed xmlns="http://www.w3.org/2005/Atom">…</feed>') },
  }),
  'GET /api/cap/alerts/:id': onRecord(21, {
    produces: 'application/cap+xml; charset=utf-8',
    description: 'One announcement of the public feed as CAP 1.2.',
    response: { 200: sample(Binary, '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">…</alert>') },
  }),
  // ---- JMA gateway ---------------------------------------------------------------------------
  'POST /api/jma': route({
    consumes: JMA_CONTENT_TYPES,
    description:
      'One JMA disaster-information XML telegram (気象庁防災情報XML). 201 when it made or changed an announcement; 200 { result: ignored | duplicate | withdrawn, reason } otherwise.',
    response: {
      200: sample(JmaNotAnnounced, {
        result: 'ignored',
        reason: 'Not for this city',
        reasonJa: '市の区域外です',
        telegramId: 71,
      }),
      201: sample(JmaAnnounced, {
        result: 'announced',
        announcementId: 21,
        withdrawnIds: [],
        reason: 'Intensity 5- in the city',
        reasonJa: '市内で震度5弱',
        telegramId: 71,
      }),
    },
  }),
  'GET /api/jma/telegrams': route({
    querystring: sample(JmaTelegramQuery, { limit: 50, beforeId: 80 }),
    response: { 200: sample(JmaTelegramList, { telegrams: [telegram] }) },
  }),
  'GET /api/jma/telegrams/:id': onRecord(71, { response: { 200: sample(JmaTelegramRecord, telegram) } }),
  'GET /api/jma/telegrams/:id/xml': onRecord(71, {
    produces: 'application/xml; charset=utf-8',
    response: { 200: sample(Binary, '<Report xmlns="http://xml.kishou.go.jp/jmaxml1/">…</Report>') },
  }),
  'GET /api/jma/settings': route({ response: { 200: sample(JmaSettings, jmaSettings) } }),
  'PATCH /api/jma/settings': route({
    body: sample(UpdateJmaSettingsBody, { areas: jmaSettings.areas }),
    response: { 200: sample(JmaSettings, jmaSettings) },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
