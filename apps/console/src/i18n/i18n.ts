// i18next for the console: Japanese first, English second, bundled resources, language remembered per browser.
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { ApiError } from '../api/client';
import { en } from './en';
import { ja } from './ja';

export type ConsoleLanguage = 'ja' | 'en';
export const LANGUAGE_STORAGE_KEY = 'tsunagu.console.language';
export const LOCALE_TAGS: Record<ConsoleLanguage, string> = { ja: 'ja-JP', en: 'en-GB' };

export function createConsoleI18n(language: ConsoleLanguage = 'ja'): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { ja: { translation: ja }, en: { translation: en } },
    lng: language,
    fallbackLng: 'ja',
    supportedLngs: ['ja', 'en'],
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  return instance;
}

export function rememberedLanguage(storage: Pick<Storage, 'getItem'> | undefined): ConsoleLanguage {
  try {
    return storage?.getItem(LANGUAGE_STORAGE_KEY) === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
  }
}

/** Codes with their own catalogue entry under `errors.`; others fall back to `errors.unknown`. */
const KNOWN_CODES = new Set(Object.keys(ja.errors).filter((k) => k !== 'unknown'));

/** What to tell a person about an error, in their language, saying what to do next. */
export function errorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError) {
    if (KNOWN_CODES.has(err.code)) return t(`errors.${err.code}`, { message: err.message });
    return t('errors.unknown', { code: err.code, message: err.message });
  }
  return t('errors.unknown', { code: 'ERROR', message: err instanceof Error ? err.message : String(err) });
}

/** Date and time in the console's locale and the city's time zone. */
export function formatDateTime(iso: string | null | undefined, language: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(language === 'en' ? LOCALE_TAGS.en : LOCALE_TAGS.ja, {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}
