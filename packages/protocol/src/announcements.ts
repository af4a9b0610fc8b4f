/**
 * Announcements and emergency alerts: what city hall composes (or a CAP gateway sends), what a
 * terminal receives, and the receipts terminals report back.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Closed, Id, literals, Nullable, Timestamp } from './common';
import { listOf, PageLimit } from './fragments';
import { SpeechReadings } from './speech';

export const AnnouncementKind = literals('emergency', 'important', 'routine');
export type AnnouncementKind = Static<typeof AnnouncementKind>;

/** A sound other than the kind's usual one: 'eew' = the Earthquake Early Warning chime, top priority. */
export const AnnouncementTone = Type.Literal('eew');
export type AnnouncementTone = Static<typeof AnnouncementTone>;

/**
 * Where an announcement came from: 'console' is city hall (console or REST); 'cap' an alerting
 * system sending CAP (J-ALERT, the prefecture); 'jma' the hub's own reading of the Japan
 * Meteorological Agency's national warnings. An alerting system's or JMA's emergency outranks the
 * city's own on the terminal's sound channel.
 */
export const AnnouncementSource = literals('console', 'cap', 'jma');
export type AnnouncementSource = Static<typeof AnnouncementSource>;

/**
 * A CAP message's signature: verified with a trusted certificate, signed but not checkable (no
 * trusted certificate configured), or not signed at all.
 */
export const CapSignatureState = literals('verified', 'unverified', 'unsigned');
export type CapSignatureState = Static<typeof CapSignatureState>;

export const AnnouncementStatus = literals('pending_approval', 'scheduled', 'published', 'cancelled', 'expired');
export type AnnouncementStatus = Static<typeof AnnouncementStatus>;

export const TARGET_GROUPS = ['needs_assistance'] as const;
export const TargetGroup = Type.Literal('needs_assistance');
export type TargetGroup = Static<typeof TargetGroup>;

/** Who an announcement is for. The set of households is frozen when it is published. */
export const AnnouncementTarget = Type.Union([
  Closed({ type: Type.Literal('all') }),
  Closed({
    type: Type.Literal('districts'),
    districtIds: Type.Array(Id, { minItems: 1, maxItems: 200, uniqueItems: true }),
  }),
  Closed({
    type: Type.Literal('groups'),
    groups: Type.Array(TargetGroup, { minItems: 1, maxItems: 10, uniqueItems: true }),
  }),
  Closed({
    type: Type.Literal('households'),
    householdIds: Type.Array(Id, { minItems: 1, maxItems: 20000, uniqueItems: true }),
  }),
]);
export type AnnouncementTarget = Static<typeof AnnouncementTarget>;

const Title = Type.String({ minLength: 1, maxLength: 200 });
const Body = Type.String({ minLength: 1, maxLength: 4000 });
/** Server-generated name of an uploaded voice clip (never a client file name). */
export const AudioId = Type.String({ pattern: '^[a-f0-9]{32}$' });

export const CreateAnnouncementBody = Closed({
  kind: AnnouncementKind,
  titleJa: Title,
  bodyJa: Body,
  titleEn: Type.Optional(Title),
  bodyEn: Type.Optional(Body),
  /** A recorded voice clip uploaded first with POST /api/announcements/audio; otherwise the text is spoken. */
  audioId: Type.Optional(AudioId),
  /** Ask "are you safe?" (安否確認) with two answers. */
  safetyCheck: Type.Optional(Type.Boolean()),
  /** A drill (訓練): shown and spoken as one; an emergency drill still takes over the screen. */
  test: Type.Optional(Type.Boolean()),
  /** How to say words the speech engine reads wrongly (ふりがな), for the hub's voice clip. */
  readings: Type.Optional(SpeechReadings),
  target: AnnouncementTarget,
  sendAt: Type.Optional(Timestamp),
  expiresAt: Type.Optional(Timestamp),
  /** Required (true) for an emergency to the whole city: the second confirmation. */
  confirmWholeCity: Type.Optional(Type.Boolean()),
  /**
   * 'eew' (emergencies only): the Earthquake Early Warning chime at the top priority, and sent at
   * once, without waiting for the hub's voice clip (terminals speak it themselves until it exists).
   */
  tone: Type.Optional(AnnouncementTone),
});
export type CreateAnnouncementBody = Static<typeof CreateAnnouncementBody>;

export const UpdateAnnouncementBody = Closed(
  {
    titleJa: Type.Optional(Title),
    bodyJa: Type.Optional(Body),
    titleEn: Type.Optional(Nullable(Title)),
    bodyEn: Type.Optional(Nullable(Body)),
    expiresAt: Type.Optional(Nullable(Timestamp)),
    safetyCheck: Type.Optional(Type.Boolean()),
    readings: Type.Optional(SpeechReadings),
  },
  { minProperties: 1 },
);
export type UpdateAnnouncementBody = Static<typeof UpdateAnnouncementBody>;

export const TargetPreviewBody = Closed({ target: AnnouncementTarget });
export const TargetPreview = Type.Object({
  households: Type.Integer(),
  terminals: Type.Integer(),
  onlineTerminals: Type.Integer(),
});
export type TargetPreview = Static<typeof TargetPreview>;

export const ReceiptCounts = Type.Object({
  targeted: Type.Integer(),
  delivered: Type.Integer(),
  played: Type.Integer(),
  acknowledged: Type.Integer(),
  safe: Type.Integer(),
  needHelp: Type.Integer(),
  /** Safety checks: households with no answer yet. Otherwise: households that have not acknowledged. */
  notAnswered: Type.Integer(),
});
export type ReceiptCounts = Static<typeof ReceiptCounts>;

/** What the terminal shows. Same shape on the console preview. */
export const AnnouncementContent = Type.Object({
  id: Id,
  version: Type.Integer({ minimum: 1 }),
  kind: AnnouncementKind,
  test: Type.Boolean(),
  titleJa: Type.String(),
  bodyJa: Type.String(),
  titleEn: Nullable(Type.String()),
  bodyEn: Nullable(Type.String()),
  hasAudio: Type.Boolean(),
  safetyCheck: Type.Boolean(),
  /** Where it came from (see AnnouncementSource): 'cap' and 'jma' sound at the national level. */
  source: Type.Optional(AnnouncementSource),
  /** 'eew': the terminal sounds the Earthquake Early Warning chime, at the top priority. */
  tone: Type.Optional(AnnouncementTone),
  publishedAt: Nullable(Timestamp),
  expiresAt: Nullable(Timestamp),
});
export type AnnouncementContent = Static<typeof AnnouncementContent>;

/** An announcement as a terminal receives it, with this household's own receipt state. */
export const TerminalAnnouncement = Type.Intersect([
  AnnouncementContent,
  Type.Object({
    acknowledged: Type.Boolean(),
    safetyAnswer: Type.Union([Type.Literal('safe'), Type.Literal('need_help'), Type.Null()]),
  }),
]);
export type TerminalAnnouncement = Static<typeof TerminalAnnouncement>;

/**
 * An edit of a published announcement that waits for a fresh approval (an approved emergency, or
 * what a machine sender whose messages are held sent): terminals go on showing the approved text.
 */
export const PendingChange = Type.Object({
  titleJa: Type.Optional(Type.String()),
  bodyJa: Type.Optional(Type.String()),
  titleEn: Type.Optional(Nullable(Type.String())),
  bodyEn: Type.Optional(Nullable(Type.String())),
  safetyCheck: Type.Optional(Type.Boolean()),
  expiresAt: Type.Optional(Nullable(Timestamp)),
  kind: Type.Optional(AnnouncementKind),
  test: Type.Optional(Type.Boolean()),
  /** When approved it also reaches households it has not reached yet (a wider area). */
  widens: Type.Boolean(),
  requestedBy: Type.String(),
  requestedAt: Timestamp,
});
export type PendingChange = Static<typeof PendingChange>;

export const Announcement = Type.Intersect([
  AnnouncementContent,
  Type.Object({
    status: AnnouncementStatus,
    target: AnnouncementTarget,
    sendAt: Nullable(Timestamp),
    source: AnnouncementSource,
    /**
     * For one made or last changed by a CAP message: that message's signature, and whose trusted
     * certificate verified it. Absent for other sources and for messages received before signatures
     * were recorded.
     */
    capSignature: Type.Optional(Type.Object({ state: CapSignatureState, signedBy: Nullable(Type.String()) })),
    createdBy: Type.String(),
    /** Cleared when the content changes afterwards: the approval was for other content. */
    approvedBy: Nullable(Type.String()),
    pendingChange: Nullable(PendingChange),
    /** Who last changed the content when that change needs a fresh approval: someone else must approve it. */
    revisedBy: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    cancelledAt: Nullable(Timestamp),
    counts: ReceiptCounts,
  }),
]);
export type Announcement = Static<typeof Announcement>;
export const AnnouncementList = listOf('announcements', Announcement);
export type AnnouncementList = Static<typeof AnnouncementList>;
export const AnnouncementListQuery = Closed({ limit: PageLimit(200) });

/**
 * City hall's policy for an API key (a machine sender): the CAP `<sender>` it speaks for (it may
 * send, update and cancel only that sender's alerts; null: it cannot use the CAP gateway), and
 * whether what it sends is published at once (`auto`) or waits for a person's approval (`hold`,
 * also what a key without a policy gets).
 */
export const PublishPolicy = literals('auto', 'hold');
export const SenderPolicyBody = Closed({
  capSender: Nullable(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\s,<&]+$' })),
  publish: PublishPolicy,
});
export type SenderPolicyBody = Static<typeof SenderPolicyBody>;
export const SenderPolicy = Type.Object({
  apiKeyId: Id,
  capSender: Nullable(Type.String()),
  publish: PublishPolicy,
  updatedBy: Type.String(),
  updatedAt: Timestamp,
});
export type SenderPolicy = Static<typeof SenderPolicy>;
export const SenderPolicyList = listOf('policies', SenderPolicy);
export type SenderPolicyList = Static<typeof SenderPolicyList>;

export const AnnouncementSettings = Closed({ requireEmergencyApproval: Type.Boolean() });
export type AnnouncementSettings = Static<typeof AnnouncementSettings>;

/** Where each district lies, so CAP polygons and circles can be matched to districts. */
export const DistrictCentroid = Closed({
  districtId: Id,
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
});
export type DistrictCentroid = Static<typeof DistrictCentroid>;
export const DistrictCentroids = Closed({ centroids: Type.Array(DistrictCentroid, { maxItems: 1000 }) });
export type DistrictCentroids = Static<typeof DistrictCentroids>;

export const AudioUploaded = Type.Object({ audioId: AudioId, mimeType: Type.String(), bytes: Type.Integer() });
export type AudioUploaded = Static<typeof AudioUploaded>;
/** Largest voice clip accepted (about five minutes of compressed speech). */
export const MAX_AUDIO_BYTES = 5 * 1024 * 1024;

export const FollowUpSort = literals('district', 'needsAssistance');
export const FollowUpQuery = Closed({ sort: Type.Optional(FollowUpSort) });
export const FollowUpHousehold = Type.Object({
  householdId: Id,
  name: Type.String(),
  address: Type.String(),
  phone: Nullable(Type.String()),
  districtId: Id,
  districtName: Type.String(),
  needsAssistance: Type.Boolean(),
  /** need_help: asked for help; not_answered: no answer / no acknowledgement yet. */
  state: literals('need_help', 'not_answered'),
  /** The announcement reached one of the household's terminals. */
  delivered: Type.Boolean(),
  /** The household has an enrolled terminal now (false: it could never have received it). */
  hasTerminal: Type.Boolean(),
});
export type FollowUpHousehold = Static<typeof FollowUpHousehold>;
export const FollowUpList = listOf('households', FollowUpHousehold);
export type FollowUpList = Static<typeof FollowUpList>;

/**
 * A signed message's XML signature: 'verified' with a trusted certificate (TSUNAGU_CAP_TRUSTED_CERTS),
 * or 'unverified' (no trusted certificate is configured). Absent for an unsigned message.
 */
export const CapSignature = literals('verified', 'unsigned', 'unverified');
export type CapSignature = Static<typeof CapSignature>;
/** Answer of POST /api/cap when a valid message had nothing (new) to announce. */
export const CapOutcome = Type.Object({
  reason: Type.String(),
  announcementId: Type.Optional(Id),
  announcementIds: Type.Optional(Type.Array(Id)),
  signature: Type.Optional(CapSignature),
});
export type CapOutcome = Static<typeof CapOutcome>;
export const CapCreated = Type.Object({ announcementId: Id, signature: Type.Optional(CapSignature) });

export const ReceiptStage = literals('delivered', 'played', 'acknowledged', 'answered');
export type ReceiptStage = Static<typeof ReceiptStage>;
export const SafetyAnswer = literals('safe', 'need_help');
export type SafetyAnswer = Static<typeof SafetyAnswer>;

export const ReceiptPayload = Closed({ announcementId: Id, stage: ReceiptStage, answer: Type.Optional(SafetyAnswer) });
export type ReceiptPayload = Static<typeof ReceiptPayload>;

export const AnnouncementSync = listOf('announcements', TerminalAnnouncement);
export type AnnouncementSync = Static<typeof AnnouncementSync>;
export const WithdrawnReason = literals('cancelled', 'expired');
export type WithdrawnReason = Static<typeof WithdrawnReason>;
/** Cancelled or expired: the terminal removes it from the screen. */
export const AnnouncementWithdrawn = Type.Object({ id: Id, reason: WithdrawnReason });
export type AnnouncementWithdrawn = Static<typeof AnnouncementWithdrawn>;
export const ReceiptsChanged = Type.Object({ announcementId: Id, counts: ReceiptCounts });
export type ReceiptsChanged = Static<typeof ReceiptsChanged>;
/** Acked only after the receipt is stored. */
export const ReceiptStored = Type.Object({ stored: Type.Literal(true) });
