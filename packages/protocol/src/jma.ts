/**
 * Automatic alerts from JMA's disaster-information XML (気象庁防災情報XML): the city's areas, the
 * policy that turns a telegram into an announcement, the record of every telegram received, and
 * what `POST /api/jma` answers.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Closed, Id, literals, Nullable, Timestamp } from './common';
import { listOf, NonNegativeInt, PageLimit } from './fragments';

/** The media types `POST /api/jma` takes (a telegram is read raw: its XML declaration says how to decode it). */
export const JMA_CONTENT_TYPES = ['application/xml', 'text/xml'] as const;

/** quake = 地震情報／細分区域, city = 気象・地震・火山情報／市町村等, tsunami = 津波予報区. */
export const JmaAreaType = literals('quake', 'city', 'tsunami');
export type JmaAreaType = Static<typeof JmaAreaType>;
export const JmaArea = Closed({ type: JmaAreaType, code: Type.String({ pattern: '^[0-9]{1,7}$' }) });
export type JmaArea = Static<typeof JmaArea>;

export const JMA_INTENSITIES = ['1', '2', '3', '4', '5-', '5+', '6-', '6+', '7'] as const;
export const JmaIntensity = Type.Union(JMA_INTENSITIES.map((i) => Type.Literal(i)));
export type JmaIntensity = Static<typeof JmaIntensity>;

/** What a rule does: announce at a priority, or nothing. */
export const JmaAction = literals('emergency', 'important', 'routine', 'ignore');
export type JmaAction = Static<typeof JmaAction>;

export const JMA_TEMPLATE_IDS = [
  'eew',
  'intensityEmergency',
  'intensityImportant',
  'tsunamiMajor',
  'tsunamiWarning',
  'tsunamiAdvisory',
  'allClear',
] as const;
export type JmaTemplateId = (typeof JMA_TEMPLATE_IDS)[number];

export const JmaTemplate = Closed({
  titleJa: Type.String({ minLength: 1, maxLength: 200 }),
  bodyJa: Type.String({ minLength: 1, maxLength: 2000 }),
  titleEn: Type.String({ minLength: 1, maxLength: 200 }),
  bodyEn: Type.String({ minLength: 1, maxLength: 2000 }),
});
export type JmaTemplate = Static<typeof JmaTemplate>;

export const JmaPolicy = Closed({
  /** 緊急地震速報（警報） covering the city: emergency at the top priority with the EEW chime, or nothing. */
  eew: literals('emergency', 'ignore'),
  /** Observed intensity in the city: from this class an emergency (null: never). */
  intensityEmergencyFrom: Nullable(JmaIntensity),
  /** …and from this class an important notice (null: never). */
  intensityImportantFrom: Nullable(JmaIntensity),
  /** Ask residents 安否確認 (are you safe?) with an intensity emergency. */
  intensitySafetyCheck: Type.Boolean(),
  tsunamiMajor: JmaAction,
  tsunamiWarning: JmaAction,
  tsunamiAdvisory: JmaAction,
  /** When a tsunami warning or advisory is lifted: withdraw the alert and announce a routine all-clear. */
  allClear: Type.Boolean(),
  /** An EEW alert is taken down after this many minutes (the observed intensity follows it). */
  eewExpiresMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  /** Intensity notices and all-clears are taken down after this many hours. */
  noticeExpiresHours: Type.Integer({ minimum: 1, maximum: 720 }),
  templates: Type.Object(
    Object.fromEntries(JMA_TEMPLATE_IDS.map((id) => [id, JmaTemplate])) as Record<JmaTemplateId, typeof JmaTemplate>,
    { additionalProperties: false },
  ),
});
export type JmaPolicy = Static<typeof JmaPolicy>;

export const JmaSettings = Closed({
  areas: Type.Array(JmaArea, { maxItems: 50 }),
  /** Where the areas come from: an administrator's setting, or TSUNAGU_JMA_AREAS. */
  areasSource: literals('admin', 'environment', 'none'),
  policy: JmaPolicy,
  /** TSUNAGU_JMA_MAX_AGE: older telegrams are recorded, not announced (0: no limit). */
  maxAgeSeconds: NonNegativeInt,
  feeds: Type.Array(Type.String()),
});
export type JmaSettings = Static<typeof JmaSettings>;

export const UpdateJmaSettingsBody = Closed({
  areas: Type.Optional(Type.Array(JmaArea, { maxItems: 50 })),
  policy: Type.Optional(JmaPolicy),
});
export type UpdateJmaSettingsBody = Static<typeof UpdateJmaSettingsBody>;

export const JmaDecision = literals(
  'announced',
  'updated',
  'withdrawn',
  'all_clear',
  'ignored',
  'too_old',
  'superseded',
  'test',
);
export type JmaDecision = Static<typeof JmaDecision>;

export const JmaTelegramKind = literals(
  'eew',
  'eewForecast',
  'eewTest',
  'intensityFlash',
  'quakeInfo',
  'tsunami',
  'other',
);
export type JmaTelegramKind = Static<typeof JmaTelegramKind>;

/** One telegram as recorded: what it was, what the hub decided, and why. */
export const JmaTelegramRecord = Type.Object({
  id: Id,
  receivedAt: Timestamp,
  source: literals('api', 'feed'),
  receivedFrom: Type.String(),
  sha256: Type.String(),
  title: Type.String(),
  kind: JmaTelegramKind,
  mode: literals('live', 'drill', 'test'),
  infoType: literals('issue', 'correction', 'delay', 'cancel'),
  eventId: Type.String(),
  serial: Nullable(Type.Integer()),
  reportAt: Timestamp,
  headline: Type.String(),
  decision: JmaDecision,
  reasonCode: Type.String(),
  reasonJa: Type.String(),
  reasonEn: Type.String(),
  /** The announcement this telegram produced or changed (the all-clear, for a lift). */
  announcementId: Nullable(Id),
  /** Announcements it took down. */
  withdrawnIds: Type.Array(Id),
});
export type JmaTelegramRecord = Static<typeof JmaTelegramRecord>;

export const JmaTelegramList = listOf('telegrams', JmaTelegramRecord);
export type JmaTelegramList = Static<typeof JmaTelegramList>;
export const JmaTelegramQuery = Closed({
  limit: PageLimit(200),
  beforeId: Type.Optional(Id),
});
export type JmaTelegramQuery = Static<typeof JmaTelegramQuery>;

/** `POST /api/jma` → 201 when an announcement was made or changed. */
export const JmaAnnounced = Type.Object({
  result: literals('announced', 'updated', 'all_clear'),
  announcementId: Id,
  withdrawnIds: Type.Array(Id),
  reason: Type.String(),
  reasonJa: Type.String(),
  telegramId: Id,
});
export type JmaAnnounced = Static<typeof JmaAnnounced>;
/** …200 otherwise. */
export const JmaNotAnnounced = Type.Object({
  result: literals('ignored', 'duplicate', 'withdrawn'),
  reason: Type.String(),
  reasonJa: Type.String(),
  announcementId: Type.Optional(Id),
  withdrawnIds: Type.Optional(Type.Array(Id)),
  telegramId: Type.Optional(Id),
});
export type JmaNotAnnounced = Static<typeof JmaNotAnnounced>;
