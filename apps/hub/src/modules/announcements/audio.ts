/** Voice clips: recognised by their first bytes (magic numbers), never by their name or declared type, and stored under names of their own. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError, badRequest } from '../../lib/errors';

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
  /** Stores an uploaded clip under a name of its own; refuses anything that is not audio. */
  store(data: Buffer): { audioId: string; mimeType: string; bytes: number };
  /** The MIME type of a stored clip, checked by its bytes again; refuses a missing or bad clip. */
  check(audioId: string): string;
  /** The file of a stored clip, or null when it is gone. */
  file(audioId: string): string | null;
}

export function createVoiceClips(dataDir: string): VoiceClips {
  const dir = path.join(dataDir, 'announcement-audio');
  const fileOf = (audioId: string) => {
    // The id is 32 hex digits generated here; re-checked so no path can ever leave the folder.
    if (!/^[a-f0-9]{32}$/.test(audioId)) throw badRequest('AUDIO_NOT_FOUND', 'That voice clip does not exist.');
    return path.join(dir, audioId);
  };
  return {
    store(data) {
      const mimeType = sniffAudio(data);
      if (!mimeType) {
        throw new AppError(
          415,
          'AUDIO_TYPE_UNSUPPORTED',
          'This file is not a recording we can play. Upload WAV, MP3, Ogg, WebM or M4A audio.',
        );
      }
      fs.mkdirSync(dir, { recursive: true });
      const audioId = randomBytes(16).toString('hex');
      fs.writeFileSync(fileOf(audioId), data, { flag: 'wx' });
      return { audioId, mimeType, bytes: data.length };
    },
    check(audioId) {
      const file = fileOf(audioId);
      if (!fs.existsSync(file)) throw badRequest('AUDIO_NOT_FOUND', 'That voice clip does not exist. Upload it again.');
      const head = Buffer.alloc(64);
      const fd = fs.openSync(file, 'r');
      try {
        fs.readSync(fd, head, 0, 64, 0);
      } finally {
        fs.closeSync(fd);
      }
      const mime = sniffAudio(head);
      if (!mime) throw badRequest('AUDIO_NOT_FOUND', 'That voice clip is not a supported recording. Upload it again.');
      return mime;
    },
    file(audioId) {
      const file = fileOf(audioId);
      return fs.existsSync(file) ? file : null;
    },
  };
}
