/**
 * Where an announcement's voice comes from: city hall's recording, or the clip the hub made with its
 * speech engine (GET /api/announcements/:id/speech?lang=). Fetched soon after the announcement
 * arrives (after its text, see prefetchAfter), kept in the archive, and played from there — also
 * with the hub gone.
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import { type AnnouncementArchive, clipKey } from './archive';

export type ClipLanguage = 'ja' | 'en';

/**
 * A clip is fetched at a random moment within this long after the announcement's delivered receipt
 * was stored, so the terminals of a whole city do not all ask at the same instant. Shorter than an
 * emergency's alarm (about 1.8 s), after which the reading asks for the clip at once anyway.
 */
export const CLIP_FETCH_SPREAD_MS = 1500;
/** A hub slow to store the receipt does not hold the clip back longer than this. */
export const CLIP_RECEIPT_WAIT_MS = 3000;

export interface ClipSchedule {
  /** A number in [0, 1). */
  random(): number;
  delay(ms: number): Promise<void>;
}

const realSchedule: ClipSchedule = {
  random: () => Math.random(),
  delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class ClipSource {
  private urls = new Map<string, string>();
  private pending = new Map<string, Promise<string | null>>();
  private disposed = false;

  constructor(
    private readonly hub: { hubBase: string; credential: string } | null,
    /** The kept copy, or the promise of it while it opens. */
    private readonly archive: AnnouncementArchive | null | Promise<AnnouncementArchive | null>,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    private readonly schedule: ClipSchedule = realSchedule,
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

  /**
   * Fetches and keeps the clip after the text: once `receipt` (the delivered receipt, stored by the
   * hub) settles — or CLIP_RECEIPT_WAIT_MS at most — and then at a random moment within
   * CLIP_FETCH_SPREAD_MS. The text never waits for audio, and ten thousand terminals told of an
   * alert at once spread their downloads instead of asking while the hub is still sending the text
   * to the rest. Whoever needs the clip sooner (an emergency's reading) asks `url` and gets it at
   * once; it is fetched only once either way.
   */
  async prefetchAfter(a: TerminalAnnouncement, language: string, receipt: Promise<unknown>): Promise<void> {
    const { random, delay } = this.schedule;
    await Promise.race([receipt.catch(() => undefined), delay(CLIP_RECEIPT_WAIT_MS)]);
    await delay(Math.floor(random() * CLIP_FETCH_SPREAD_MS));
    if (!this.disposed) await this.prefetch(a, language);
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
    this.disposed = true;
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }
}
