/** Recognises a voice clip by its first bytes (magic numbers), never by its name or declared type. */

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
