/**
 * Where an announcement's voice comes from: city hall's recording, or the clip the hub made with its
 * speech engine (GET /api/announcements/:id/speech?lang=). Fetched when the announcement arrives
 * (before it is shown), kept in the archive, and played from there — also with the hub gone.
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import { type AnnouncementArchive, clipKey } from './archive';

export type ClipLanguage = 'ja' | 'en';

export class ClipSource {
  private urls = new Map<string, string>();
  private pending = new Map<string, Promise<string | null>>();

  constructor(
    private readonly hub: { hubBase: string; credential: string } | null,
    /** The kept copy, or the promise of it while it opens. */
    private readonly archive: AnnouncementArchive | null | Promise<AnnouncementArchive | null>,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** The language the hub spoke it in for this household: English only when there is English text. */
  static languageFor(a: TerminalAnnouncement, language: string): ClipLanguage {
    return language === 'en' && (a.titleEn || a.bodyEn) ? 'en' : 'ja';
  }

  /** A playable URL for the announcement's voice, or null (then the terminal speaks the text itself). */
  url(a: TerminalAnnouncement, language: string): Promise<string | null> {
    const lang = ClipSource.languageFor(a, language);
    const key = clipKey(a, lang);
    const known = this.urls.get(key);
    if (known) return Promise.resolve(known);
    let p = this.pending.get(key);
    if (!p) {
      p = this.load(a, lang, key).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  /** Fetches and keeps the clip now, so it plays at once (and offline) later. */
  async prefetch(a: TerminalAnnouncement, language: string): Promise<void> {
    await this.url(a, language);
  }

  private async load(a: TerminalAnnouncement, lang: ClipLanguage, key: string): Promise<string | null> {
    const archive = await this.archive;
    let blob = await archive?.clip(key).catch(() => null);
    if (!blob) blob = await this.download(a, lang);
    if (!blob) return null;
    if (archive) await archive.putClip(key, a.id, blob).catch(() => undefined);
    const url = URL.createObjectURL(blob);
    this.urls.set(key, url);
    return url;
  }

  private async download(a: TerminalAnnouncement, lang: ClipLanguage): Promise<Blob | null> {
    if (!this.hub) return null;
    const path = a.hasAudio
      ? `api/terminal/announcements/${a.id}/audio`
      : `api/announcements/${a.id}/speech?lang=${lang}`;
    try {
      const res = await this.fetchImpl(new URL(path, this.hub.hubBase).href, {
        headers: { authorization: `Bearer ${this.hub.credential}` },
      });
      return res.ok ? await res.blob() : null;
    } catch {
      return null;
    }
  }

  dispose(): void {
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }
}
