/**
 * City hall's recordings (voice clips): recognised by their first bytes (magic numbers), never by
 * their name or declared type, and stored in the database under ids of their own
 * (recording-store.ts), so every hub serves a recording uploaded to one. The newest are kept in
 * memory: every terminal of the city asks for the same recording within seconds of an alert, and
 * after the first read the answer costs a map lookup (a recording never changes once stored).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../lib/clock';
import { AppError, badRequest } from '../../lib/errors';
import { keptReads } from '../../lib/kept-reads';
import type { Recording, RecordingsStore } from './recording-store';

/** The audio MIME type of `data`, or null when it is not a format terminals can play. */
export function sniffAudio(data: Buffer): string | null {
  const ascii = (from: number, to: number) => data.subarray(from, to).toString('latin1');
  if (data.length < 12) return null;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav';
  if (ascii(0, 4) === 'OggS') return 'audio/ogg';
  if (ascii(0, 4) === 'fLaC') return 'audio/flac';
  if (data[0] === 0x1a && data[1] === 0x45 && data[2] === 0xdf && data[3] === 0xa3) return 'audio/webm';
  if (ascii(4, 8) === 'ftyp' && /^(M4A |M4B |mp42|isom|mp41|dash)$/.test(ascii(8, 12))) return 'audio/mp4';
  if (ascii(0, 3) === 'ID3') return 'audio/mpeg';
  // An MPEG audio frame header: 11 sync bits, then a valid version/layer (layer III, II or I).
  if (data[0] === 0xff && (data[1]! & 0xe0) === 0xe0 && (data[1]! & 0x06) !== 0 && (data[2]! & 0xf0) !== 0xf0)
    return 'audio/mpeg';
  return null;
}

export interface VoiceClips {
  /** Stores an uploaded recording under an id of its own; refuses anything that is not audio. */
  store(data: Buffer): Promise<{ audioId: string; mimeType: string; bytes: number }>;
  /** The MIME type of a stored recording; refuses a missing one. */
  check(audioId: string): Promise<string>;
  /** A stored recording (kept in memory once read), or null when there is none. */
  recording(audioId: string): Promise<Recording | null>;
  /**
   * Moves the recordings an older hub kept as files (<data>/announcement-audio/) into the database,
   * removing each file once it is stored; resolves to how many were moved.
   */
  importFiles(): Promise<number>;
}

/** How many recordings are kept in memory (at most 5 MB each): an alert, its update, a few notices. */
export const KEPT_RECORDINGS = 8;

const AUDIO_ID = /^[a-f0-9]{32}$/;

export function createVoiceClips(
  store: RecordingsStore,
  deps: { dataDir: string; clock: Clock; log: Pick<FastifyBaseLogger, 'warn' | 'info'> },
): VoiceClips {
  const kept = keptReads<string, Recording>(KEPT_RECORDINGS, async (audioId) => (await store.get(audioId)) ?? null);
  const valid = (audioId: string) => {
    // The id is 32 hex digits generated here; anything else is no recording of ours.
    if (!AUDIO_ID.test(audioId)) throw badRequest('AUDIO_NOT_FOUND', 'That voice clip does not exist.');
  };
  return {
    async store(data) {
      const mimeType = sniffAudio(data);
      if (!mimeType) {
        throw new AppError(
          415,
          'AUDIO_TYPE_UNSUPPORTED',
          'This file is not a recording we can play. Upload WAV, MP3, Ogg, WebM or M4A audio.',
        );
      }
      const audioId = randomBytes(16).toString('hex');
      await store.add(audioId, { mimeType, data }, deps.clock.now());
      return { audioId, mimeType, bytes: data.length };
    },
    async check(audioId) {
      valid(audioId);
      const mime = kept.peek(audioId)?.mimeType ?? (await store.mimeType(audioId));
      if (!mime) throw badRequest('AUDIO_NOT_FOUND', 'That voice clip does not exist. Upload it again.');
      return mime;
    },
    recording(audioId) {
      if (!AUDIO_ID.test(audioId)) return Promise.resolve(null);
      // Every request meanwhile waits for the same read.
      return kept.get(audioId);
    },
    async importFiles() {
      const dir = path.join(deps.dataDir, 'announcement-audio');
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw err;
      }
      let moved = 0;
      for (const name of names) {
        const file = path.join(dir, name);
        if (!AUDIO_ID.test(name)) continue;
        let data: Buffer;
        try {
          data = fs.readFileSync(file);
        } catch (err) {
          // Moved meanwhile by another hub sharing this folder, or not a file.
          if (['ENOENT', 'EISDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) continue;
          throw err;
        }
        const mimeType = sniffAudio(data);
        // Announcements refused such a file before too: left where it is.
        if (!mimeType) {
          deps.log.warn({ file }, 'announcement recording not moved into the database: not a recording');
          continue;
        }
        await store.add(name, { mimeType, data }, deps.clock.now());
        fs.rmSync(file, { force: true });
        moved++;
      }
      if (fs.readdirSync(dir).length === 0) fs.rmSync(dir, { recursive: true, force: true });
      if (moved > 0) deps.log.info({ moved }, 'announcement recordings moved into the database');
      return moved;
    },
  };
}
