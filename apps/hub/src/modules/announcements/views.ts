/** How an announcement looks to city hall (with its receipt counts) and to a terminal (with its household's receipt state). */
import type {
  Announcement,
  AnnouncementContent,
  PendingChange,
  ReceiptCounts,
  TerminalAnnouncement,
} from '@tsunagu/protocol';
import type { ReceiptsStore } from './receipt-store';
import type { AnnouncementRecord, AnnouncementsStore, AnnouncementWithCounts, Revision } from './store';

/** How many announcements a terminal is given when it connects or asks. */
export const SYNC_LIMIT = 50;

export const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function contentOf(a: AnnouncementRecord): AnnouncementContent {
  return {
    id: a.id,
    version: a.version,
    kind: a.kind,
    test: a.test,
    titleJa: a.titleJa,
    bodyJa: a.bodyJa,
    titleEn: a.titleEn,
    bodyEn: a.bodyEn,
    hasAudio: a.audioId !== null,
    safetyCheck: a.safetyCheck,
    source: a.source,
    ...(a.tone ? { tone: a.tone } : {}),
    publishedAt: isoOrNull(a.publishedAt),
    expiresAt: isoOrNull(a.expiresAt),
  };
}

/** What is sent to terminals when an announcement is published or changed: new to every one of them. */
export const freshForTerminals = (a: AnnouncementRecord): TerminalAnnouncement => ({
  ...contentOf(a),
  acknowledged: false,
  safetyAnswer: null,
});

function pendingChange(r: Revision | null): PendingChange | null {
  if (!r?.change) return null;
  const { expiresAt, target: _target, ...patch } = r.change.patch;
  return {
    ...patch,
    ...(expiresAt !== undefined ? { expiresAt: isoOrNull(expiresAt) } : {}),
    widens: r.change.widenTo !== null,
    requestedBy: r.revisedBy,
    requestedAt: new Date(r.revisedAt).toISOString(),
  };
}

export function staffView(
  a: AnnouncementRecord & Partial<Pick<AnnouncementWithCounts, 'capSignature'>>,
  counts: ReceiptCounts,
  revision: Revision | null,
): Announcement {
  return {
    ...contentOf(a),
    status: a.status,
    target: a.target,
    sendAt: isoOrNull(a.sendAt),
    source: a.source,
    ...(a.capSignature ? { capSignature: a.capSignature } : {}),
    createdBy: a.createdBy,
    approvedBy: a.approvedBy,
    pendingChange: pendingChange(revision),
    revisedBy: revision?.revisedBy ?? null,
    createdAt: new Date(a.createdAt).toISOString(),
    updatedAt: new Date(a.updatedAt).toISOString(),
    cancelledAt: isoOrNull(a.cancelledAt),
    counts,
  };
}

/** What a terminal of this household should show now, oldest first, with its own receipt state. */
export async function householdView(
  store: AnnouncementsStore,
  receipts: ReceiptsStore,
  householdId: number,
  now: number,
): Promise<TerminalAnnouncement[]> {
  return withReceiptStates(receipts, householdId, await store.activeForHousehold(householdId, now, SYNC_LIMIT));
}

/** `list` (oldest first) as the household's terminals see it: with the household's own receipt state. */
export async function withReceiptStates(
  receipts: ReceiptsStore,
  householdId: number,
  list: AnnouncementRecord[],
): Promise<TerminalAnnouncement[]> {
  if (list.length === 0) return [];
  const states = new Map(
    (
      await receipts.receiptStates(
        householdId,
        list.map((a) => a.id),
      )
    ).map((s) => [s.announcementId, s]),
  );
  return list.map((a) => {
    const s = states.get(a.id);
    // An update must be acknowledged again: it is new content.
    const acknowledged = s?.acknowledgedAt != null && s.acknowledgedAt >= a.updatedAt;
    return { ...contentOf(a), acknowledged, safetyAnswer: s?.safetyAnswer ?? null };
  });
}
