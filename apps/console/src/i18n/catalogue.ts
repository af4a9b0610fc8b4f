/** A page's own words, added to the console's catalogues the first time one of its components renders. */
import { useTranslation } from 'react-i18next';

type Words = Record<string, unknown>;

/**
 * Adds `ja` and `en` (each `{ namespace: words }`) unless `probeKey` is already known, and gives
 * back the translation function, the i18n instance and the language shown.
 */
export function usePageWords(ja: Words, en: Words, probeKey: string) {
  const { i18n, t } = useTranslation();
  if (!i18n.exists(probeKey)) {
    i18n.addResourceBundle('ja', 'translation', ja, true, true);
    i18n.addResourceBundle('en', 'translation', en, true, true);
  }
  return { t, i18n, language: i18n.language };
}
