/**
 * Where an announcement's voice comes from: city hall's recording, or the clip the hub made with its
 * speech engine (GET /api/announcements/:id/speech?lang=). Fetched soon after the announcement
 * arrives (after its text, see prefetchSoon), kept in the archive, and played from there — also
 * with the hub gone.
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import { type AnnouncementArchive, clipKey } from './archive';

export type ClipLanguage = 'ja' | 'en';

/**
 * A clip is fetched at a random moment of CLIP_FETCH_SPREAD_MS, starting CLIP_FETCH_AFTER_MS after
 * its text arrived: the terminals of a whole city told of an alert at once spread their downloads
 * (10,000 clips of 88 KB take the benchmark machine about 3 s to serve, docs/benchmarks.md), and the
 * first of them do not ask while the hub is still sending the text to the rest (about 0.65 s for
 * 10,000). Over by the end of an emergency's alarm (about 1.9 s), when the reading asks for the clip
 * (at once if it is not here yet).
 */
export const CLIP_FETCH_AFTER_MS = 300;
export const CLIP_FETCH_SPREAD_MS = 1500;
/** What an Ogg stream (the hub's clip) starts with. */
const OGG_MAGIC = 'OggS';

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
   * Fetches and keeps the clip soon after its text arrived: at a random moment of
   * CLIP_FETCH_SPREAD_MS after CLIP_FETCH_AFTER_MS. The text never waits for audio (it is here already), and ten thousand
   * terminals told of an alert at once spread their downloads. Whoever needs the clip sooner (an
   * emergency's reading) asks `url` and gets it at once; it is fetched only once either way.
   */
  async prefetchSoon(a: TerminalAnnouncement, language: string): Promise<void> {
    const { random, delay } = this.schedule;
    await delay(CLIP_FETCH_AFTER_MS + Math.floor(random() * CLIP_FETCH_SPREAD_MS));
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
      if (!res.ok) return null;
      const blob = await res.blob();
      // The hub's voice is an Ogg stream (a body cut short already failed above): anything else —
      // a proxy's error page, an empty answer — is not kept, and the terminal speaks the text itself.
      if (blob.size === 0) return null;
      if (!a.hasAudio && (await blob.slice(0, OGG_MAGIC.length).text()) !== OGG_MAGIC) return null;
      return blob;
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
