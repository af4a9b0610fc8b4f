// i18next setup for the terminal: Japanese first, English second, resources bundled (no fetching).
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { type Catalogue, ja } from './ja';

export type UiLanguage = 'ja' | 'en';
export const UI_LANGUAGES: readonly UiLanguage[] = ['ja', 'en'];
export const DEFAULT_LANGUAGE: UiLanguage = 'ja';

export const catalogues: Record<UiLanguage, Catalogue> = { ja, en };

/** BCP 47 tags for speech synthesis and date formatting. */
export const LOCALE_TAGS: Record<UiLanguage, string> = { ja: 'ja-JP', en: 'en-US' };

export function isUiLanguage(value: unknown): value is UiLanguage {
  return value === 'ja' || value === 'en';
}

/** Creates a fresh, synchronously initialised i18next instance (one per app, or per test). */
export function createI18n(language: UiLanguage = DEFAULT_LANGUAGE): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { ja: { translation: ja }, en: { translation: en } },
    lng: language,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...UI_LANGUAGES],
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  return instance;
}
