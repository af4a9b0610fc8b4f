/**
 * The CAP feed out: the city's live public announcements as CAP 1.2 entries of an Atom feed, for
 * websites, L-Alert bridges and neighbouring systems. Public means sent to the whole city or to
 * districts, live and not a drill; what went to chosen households or the households that need
 * assistance is never in it (that would say who they are). An announcement withdrawn in the last
 * day stays as its CAP Cancel, so a consumer takes it down too.
 */
import type { AnnouncementRecord } from '../store';
import { announcementToCap, capDateTime } from './export';

export const CANCEL_KEPT_MS = 24 * 3_600_000;
const ATOM_NS = 'http://www.w3.org/2005/Atom';

interface FeedHub {
  publicUrl: string;
  timeZone: string;
  districts: { id: number; code: string; name: string; nameEn: string }[];
  now: number;
}

/** Is this announcement in the public feed (now)? */
export function inCapFeed(a: AnnouncementRecord, now: number): boolean {
  if (a.test || (a.target.type !== 'all' && a.target.type !== 'districts')) return false;
  if (a.status === 'published') return a.expiresAt === null || a.expiresAt > now;
  return a.status === 'cancelled' && a.publishedAt !== null && (a.cancelledAt ?? 0) > now - CANCEL_KEPT_MS;
}

const xmlText = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const withoutDeclaration = (xml: string) => xml.replace(/^\s*<\?xml[^>]*\?>\s*/, '');

export const capAlertUrl = (publicUrl: string, id: number) => `${publicUrl}/api/cap/alerts/${id}`;

/** The Atom feed (newest first). */
export function buildCapFeed(announcements: AnnouncementRecord[], hub: FeedHub): string {
  const entries = announcements
    .filter((a) => inCapFeed(a, hub.now))
    .sort((a, b) => b.updatedAt - a.updatedAt || b.id - a.id);
  const updated = entries[0]?.updatedAt ?? 0;
  const host = new URL(hub.publicUrl).host;
  const body = entries
    .map((a) => {
      const url = capAlertUrl(hub.publicUrl, a.id);
      return `  <entry>
    <id>${xmlText(url)}</id>
    <title>${xmlText(a.titleJa)}</title>
    <updated>${capDateTime(a.updatedAt, hub.timeZone)}</updated>
    <link rel="alternate" type="application/cap+xml" href="${xmlText(url)}"/>
    <content type="application/cap+xml">
${withoutDeclaration(announcementToCap(a, hub))}
    </content>
  </entry>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="${ATOM_NS}" xml:lang="ja">
  <id>${xmlText(`${hub.publicUrl}/api/cap/feed`)}</id>
  <title>${xmlText(`つなぐ 市のお知らせ・緊急放送 (${host})`)}</title>
  <updated>${capDateTime(updated, hub.timeZone)}</updated>
  <link rel="self" type="application/atom+xml" href="${xmlText(`${hub.publicUrl}/api/cap/feed`)}"/>
  <author><name>市役所</name></author>
${body}
</feed>
`;
}
