/** The announcements store's records: what the store returns and takes, apart from how rows are read. */
import type {
  AnnouncementKind,
  AnnouncementSource,
  AnnouncementStatus,
  AnnouncementTarget,
  AnnouncementTone,
  CapSignatureState,
  ReceiptCounts,
} from '@tsunagu/protocol';

/** What an announcement says and how urgently: what its record, its speech and its CAP form share. */
export interface AnnouncementWording {
  kind: AnnouncementKind;
  test: boolean;
  titleJa: string;
  bodyJa: string;
  titleEn: string | null;
  bodyEn: string | null;
}

export interface AnnouncementRecord extends AnnouncementWording {
  id: number;
  audioId: string | null;
  audioMime: string | null;
  safetyCheck: boolean;
  target: AnnouncementTarget;
  status: AnnouncementStatus;
  version: number;
  sendAt: number | null;
  expiresAt: number | null;
  publishedAt: number | null;
  cancelledAt: number | null;
  /** 'jma' lives in announcement_sources (migration 0022). */
  source: AnnouncementSource;
  /** 'eew': announced with the Earthquake Early Warning chime (announcement_tones). */
  tone?: AnnouncementTone | null;
  capCategory: string | null;
  createdBy: string;
  approvedBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewAnnouncement = Omit<
  AnnouncementRecord,
  'id' | 'version' | 'publishedAt' | 'cancelledAt' | 'updatedAt' | 'tone'
> & { tone?: AnnouncementTone | null };

export type ContentPatch = Partial<
  Pick<
    AnnouncementRecord,
    'titleJa' | 'bodyJa' | 'titleEn' | 'bodyEn' | 'expiresAt' | 'safetyCheck' | 'kind' | 'test' | 'target'
  >
>;

/** New content for a published announcement, kept aside until a second person approves it. */
export interface PendingChange {
  patch: ContentPatch;
  /** The area grows to these households too when approved (a CAP Update naming a wider area). */
  widenTo: AnnouncementTarget | null;
}

/** The latest edit that needs (or needed) a fresh approval. */
export interface Revision {
  change: PendingChange | null;
  revisedBy: string;
  revisedAt: number;
}

/** An announcement with its receipt counts and its revision, read in one query. */
export interface AnnouncementWithCounts extends AnnouncementRecord {
  counts: ReceiptCounts;
  revision: Revision | null;
  /** The signature of the latest CAP message that made or changed it (null: none recorded). */
  capSignature: { state: CapSignatureState; signedBy: string | null } | null;
}

export interface CapMessageRecord {
  sender: string;
  identifier: string;
  sent: string;
  msgType: string;
  status: string;
  announcementId: number | null;
  outcome: string;
  /** As the gateway found it (null: received before signatures were recorded). */
  signature: CapSignatureState | null;
  /** The trusted certificate's subject, for a verified signature. */
  signedBy: string | null;
}
