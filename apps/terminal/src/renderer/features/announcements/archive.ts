/**
 * The terminal's own copy of its announcements and their voice clips, in IndexedDB (via `idb`), so
 * they survive a power cut and can be played again while the hub cannot be reached. The newest N
 * are kept (default 100); the hub still holds the truth and its sync list replaces this copy.
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

export const ARCHIVE_DB = 'tsunagu-terminal';
export const DEFAULT_KEEP = 100;

interface ArchiveSchema extends DBSchema {
  announcements: { key: number; value: TerminalAnnouncement };
  clips: { key: string; value: { key: string; announcementId: number; blob: Blob } };
}

/** The key of a clip: which announcement, which version, which language, recorded or made by the hub. */
export function clipKey(a: Pick<TerminalAnnouncement, 'id' | 'version' | 'hasAudio'>, language: string): string {
  return `${a.id}:${a.version}:${a.hasAudio ? 'recording' : language}`;
}

const newestFirst = (x: TerminalAnnouncement, y: TerminalAnnouncement) =>
  (y.publishedAt ?? '').localeCompare(x.publishedAt ?? '') || y.id - x.id;

export class AnnouncementArchive {
  private constructor(
    private readonly db: IDBPDatabase<ArchiveSchema>,
    readonly keep: number,
  ) {}

  /** Null where IndexedDB is unavailable (the terminal then works from the hub only). */
  static async open(keep = DEFAULT_KEEP, name = ARCHIVE_DB): Promise<AnnouncementArchive | null> {
    if (typeof indexedDB === 'undefined') return null;
    try {
      const db = await openDB<ArchiveSchema>(name, 1, {
        upgrade(database) {
          database.createObjectStore('announcements', { keyPath: 'id' });
          database.createObjectStore('clips', { keyPath: 'key' });
        },
      });
      return new AnnouncementArchive(db, keep);
    } catch {
      return null;
    }
  }

  /** Newest first. */
  async list(): Promise<TerminalAnnouncement[]> {
    return (await this.db.getAll('announcements')).sort(newestFirst);
  }

  /** Makes the stored copy exactly `list` (newest N of it), dropping the clips of what left. */
  async replace(list: readonly TerminalAnnouncement[]): Promise<void> {
    const kept = [...list].sort(newestFirst).slice(0, this.keep);
    const ids = new Set(kept.map((a) => a.id));
    const tx = this.db.transaction(['announcements', 'clips'], 'readwrite');
    const announcements = tx.objectStore('announcements');
    for (const id of await announcements.getAllKeys()) if (!ids.has(id)) await announcements.delete(id);
    for (const a of kept) await announcements.put(a);
    const clips = tx.objectStore('clips');
    for (const clip of await clips.getAll()) {
      const a = kept.find((k) => k.id === clip.announcementId);
      // A clip of an older version is of no use once the new one has arrived.
      if (!a || !clip.key.startsWith(`${a.id}:${a.version}:`)) await clips.delete(clip.key);
    }
    await tx.done;
  }

  async clip(key: string): Promise<Blob | null> {
    return (await this.db.get('clips', key))?.blob ?? null;
  }

  async putClip(key: string, announcementId: number, blob: Blob): Promise<void> {
    await this.db.put('clips', { key, announcementId, blob });
  }

  close(): void {
    this.db.close();
  }
}
