/** City hall listening before it sends: the hub makes the alert's clip(s) ahead of the send. */
import { performance } from 'node:perf_hooks';
import type { CreateAnnouncementBody } from '@tsunagu/protocol';
import { requestJson } from './http';

/**
 * What city hall's compose dialog does before sending: the hub makes the clip(s) of these words and
 * keeps them, so the send itself does not wait for synthesis. Resolves with the Japanese clip's facts.
 */
export async function warmSpeech(
  hub: string,
  apiKey: string,
  body: CreateAnnouncementBody,
): Promise<{ ms: number; bytes: number; durationMs: number }> {
  const started = performance.now();
  const ask = (language: 'ja' | 'en') =>
    requestJson<{ bytes: number; durationMs: number }>(hub, '/api/announcements/speech-preview', {
      body: {
        kind: body.kind,
        test: body.test ?? false,
        title: language === 'en' ? (body.titleEn ?? body.titleJa) : body.titleJa,
        body: language === 'en' ? (body.bodyEn ?? body.bodyJa) : body.bodyJa,
        language,
      },
      bearer: apiKey,
      timeoutMs: 60_000,
    });
  const [ja] = await Promise.all([ask('ja'), body.titleEn || body.bodyEn ? ask('en') : null]);
  const ms = performance.now() - started;
  // A hub without speech programs answers 503: the announcement then goes out with text only.
  return ja.status === 200
    ? { ms, bytes: ja.body.bytes, durationMs: ja.body.durationMs }
    : { ms, bytes: 0, durationMs: 0 };
}
