/**
 * What an announcement says aloud, as text for the speech engine: the words around the
 * announcement (emergency, drill), city hall's readings (ふりがな) for words the engine gets wrong,
 * and the few notations Open JTalk reads badly (times "10:30", dates "12/3", "-3℃").
 */
import type { SpeechLanguage, SpeechReading } from '@tsunagu/protocol';

/** The parts of an announcement that are spoken. */
export interface SpokenAnnouncement {
  kind: 'emergency' | 'important' | 'routine';
  test: boolean;
  title: string;
  body: string;
}

/**
 * The phrases around the text, the same words the terminal's own speech uses when it has no clip
 * (packages/ui catalogues `announcements.drillSpoken` / `emergencySpoken`).
 */
export const SPOKEN_PHRASES: Record<SpeechLanguage, { drill: string; emergency: string; stop: string }> = {
  ja: { drill: 'これは訓練です。', emergency: '緊急のお知らせです。', stop: '。' },
  en: { drill: 'This is a drill.', emergency: 'Emergency announcement.', stop: '. ' },
};

/** Words naist-jdic reads wrongly in announcements, fixed for every city (city hall adds its own). */
export const BUILT_IN_READINGS: readonly SpeechReading[] = [{ text: '大字', reading: 'おおあざ' }];

const sentence = (text: string, stop: string) => {
  const t = text.trim();
  return t === '' || /[。．.!?！？]$/.test(t) ? t : `${t}${stop}`;
};

/** The whole spoken script: a drill says so first and last, as J-ALERT's tests do. */
export function spokenScript(a: SpokenAnnouncement, language: SpeechLanguage): string {
  const p = SPOKEN_PHRASES[language];
  const parts = [
    a.test ? p.drill : '',
    a.kind === 'emergency' ? p.emergency : '',
    sentence(a.title, p.stop),
    sentence(a.body, p.stop),
    a.test ? p.drill : '',
  ];
  return parts.filter((s) => s !== '').join(language === 'ja' ? '' : ' ');
}

/** Replaces each written word by its reading, longest words first (so 上野原 wins over 上野). */
export function applyReadings(text: string, readings: readonly SpeechReading[]): string {
  const sorted = [...readings].filter((r) => r.text !== '').sort((x, y) => y.text.length - x.text.length);
  if (sorted.length === 0) return text;
  const escaped = sorted.map((r) => r.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const byText = new Map(sorted.map((r) => [r.text, r.reading]));
  return text.replace(new RegExp(escaped.join('|'), 'g'), (m) => byText.get(m) ?? m);
}

/**
 * Notations the dictionary reads as separate numbers: "10:30" is said ジュー、サンジュー and "12/3"
 * ジューニ、サン. Written out in words the engine reads them as times and dates.
 */
export function normalizeJapanese(text: string): string {
  return (
    text
      // Full-width digits and colons first, so one set of patterns covers both.
      .replace(/[０-９：／－]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .replace(/(^|[^\d:])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])/g, (_m, pre: string, h: string, m: string) => {
        const minutes = Number(m);
        return `${pre}${Number(h)}時${minutes === 0 ? '' : `${minutes}分`}`;
      })
      .replace(
        /(^|[^\d/])(1[0-2]|0?[1-9])\/(3[01]|[12]\d|0?[1-9])(?![\d/])/g,
        (_m, pre: string, mo: string, d: string) => {
          return `${pre}${Number(mo)}月${Number(d)}日`;
        },
      )
      .replace(/(^|[^\d])[-−](\d+(?:\.\d+)?)(\s*(?:℃|度))/g, '$1マイナス$2$3')
  );
}

/** The text handed to the engine for one language. */
export function speechInput(
  a: SpokenAnnouncement,
  language: SpeechLanguage,
  readings: readonly SpeechReading[] = [],
): string {
  const script = spokenScript(a, language);
  if (language !== 'ja') return script;
  return normalizeJapanese(applyReadings(script, [...BUILT_IN_READINGS, ...readings]));
}
