import { createHttpSpeechFallback, pickVoice, setSpeechFallback, speak } from './speech';
import { TONES, type ToneKind, toneSignature } from './tones';

describe('tones', () => {
  it('every kind sounds different', () => {
    const kinds = Object.keys(TONES) as ToneKind[];
    expect(new Set(kinds.map(toneSignature)).size).toBe(kinds.length);
  });

  it('notes are audible and short enough not to mask speech', () => {
    for (const notes of Object.values(TONES)) {
      for (const n of notes) {
        expect(n.frequency).toBeGreaterThanOrEqual(200);
        expect(n.frequency).toBeLessThanOrEqual(2000);
        expect(n.duration).toBeGreaterThan(0.04);
      }
      const end = Math.max(...notes.map((n) => n.start + n.duration));
      expect(end).toBeLessThanOrEqual(2);
    }
  });
});

describe('speech', () => {
  const voices = [
    { name: 'en', lang: 'en-US', localService: true },
    { name: 'ja-remote', lang: 'ja-JP', localService: false },
    { name: 'ja-local', lang: 'ja_JP', localService: true },
    { name: 'fr', lang: 'fr-FR', localService: true },
  ];

  it('prefers an exact local voice', () => {
    expect(pickVoice(voices, 'ja-JP')?.name).toBe('ja-local');
  });

  it('falls back to the same base language', () => {
    expect(pickVoice(voices, 'en-GB')?.name).toBe('en');
    expect(pickVoice(voices, 'de-DE')).toBeUndefined();
  });

  it('uses the fallback when there is no speech synthesis (node)', async () => {
    const said: string[] = [];
    setSpeechFallback((text, lang) => {
      said.push(`${lang}:${text}`);
    });
    await expect(speak('こんにちは', 'ja-JP')).resolves.toBe('fallback');
    expect(said).toEqual(['ja-JP:こんにちは']);
    setSpeechFallback(null);
    await expect(speak('hello', 'en-US')).resolves.toBe('none');
  });

  it('the HTTP fallback posts JSON and swallows network errors', async () => {
    const calls: unknown[] = [];
    const ok = createHttpSpeechFallback('http://127.0.0.1:9/speak', (async (url: string, init: RequestInit) => {
      calls.push([url, init.body]);
      return new Response(null);
    }) as unknown as typeof fetch);
    await ok('やあ', 'ja-JP');
    expect(calls).toEqual([['http://127.0.0.1:9/speak', JSON.stringify({ text: 'やあ', lang: 'ja-JP' })]]);
    const failing = createHttpSpeechFallback('x', (async () => {
      throw new Error('down');
    }) as unknown as typeof fetch);
    await expect(failing('a', 'en-US')).resolves.toBeUndefined();
  });
});
