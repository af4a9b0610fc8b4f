/**
 * Listening before sending: the hub makes the voice clip the terminals will play (and keeps it, so
 * the send itself does not wait for synthesis), shows how the engine reads the text in katakana so
 * a wrong reading stands out, and plays it. Wrong readings are fixed with 読み方の指定 in the form.
 */
import type { CreateAnnouncementBody, SpeechPreview as Preview, SpeechReading } from '@tsunagu/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session';
import { ErrorMessage } from '../../shell/ui';

/** The parts of the announcement being written that are spoken (all given, empty where not filled in). */
export type SpokenDraft = Required<
  Pick<CreateAnnouncementBody, 'kind' | 'test' | 'titleJa' | 'bodyJa' | 'titleEn' | 'bodyEn' | 'readings'>
>;

/** 読み方の指定: one `書き方=よみかた` a line. Returns the readings, or the number of the first bad line. */
export function parseReadings(text: string): { readings: SpeechReading[] } | { badLine: number } {
  const readings: SpeechReading[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const m = /^(.+?)\s*[=＝]\s*([\u3041-\u309F\u30A0-\u30FF\u3000-\u3002\u30FB\uFF70 ]+)$/.exec(line);
    if (!m || m[1]!.length > 50 || m[2]!.length > 100) return { badLine: i + 1 };
    readings.push({ text: m[1]!, reading: m[2]! });
  }
  return { readings: readings.slice(0, 50) };
}

export function SpeechPreview({ draft }: { draft: SpokenDraft }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [preview, setPreview] = useState<{ data: Preview; url: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const english = draft.titleEn.trim() !== '' || draft.bodyEn.trim() !== '';

  // biome-ignore lint/correctness/useExhaustiveDependencies: made once per opening of the preview
  useEffect(() => {
    let url: string | null = null;
    let cancelled = false;
    const ask = (language: 'ja' | 'en') =>
      api.call('POST /api/announcements/speech-preview', {
        body: {
          kind: draft.kind,
          test: draft.test,
          title: language === 'en' ? draft.titleEn.trim() || draft.titleJa : draft.titleJa,
          body: language === 'en' ? draft.bodyEn.trim() || draft.bodyJa : draft.bodyJa,
          language,
          ...(language === 'ja' && draft.readings.length ? { readings: draft.readings } : {}),
        },
      });
    void ask('ja').then(
      (data) => {
        if (cancelled) return;
        const bytes = Uint8Array.from(atob(data.audioBase64), (c) => c.charCodeAt(0));
        url = URL.createObjectURL(new Blob([bytes], { type: 'audio/ogg' }));
        setPreview({ data, url });
      },
      (err: unknown) => !cancelled && setError(err),
    );
    // The English clip is made too, so an English household's terminal does not wait either.
    if (english) void ask('en').catch(() => undefined);
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, []);

  return (
    <section className="speech-preview" aria-labelledby="speech-preview-title" data-testid="speech-preview">
      <h3 id="speech-preview-title">{t('ann.speechTitle')}</h3>
      {preview ? (
        <>
          <p data-testid="speech-pronunciation">
            {t('ann.speechPronunciation')}：<span lang="ja">{preview.data.pronunciation}</span>
          </p>
          {/* biome-ignore lint/a11y/useMediaCaption: the words are shown just above, in katakana */}
          <audio controls src={preview.url} data-testid="speech-preview-audio" />
          <p className="hint">{t('ann.speechHint', { seconds: Math.round(preview.data.durationMs / 1000) })}</p>
        </>
      ) : error ? null : (
        <p role="status">{t('ann.speechMaking')}</p>
      )}
      <ErrorMessage error={error} testId="speech-preview-error" />
    </section>
  );
}
