/** Switches the console between Japanese and English and remembers the choice in this browser. */
import { useTranslation } from 'react-i18next';
import { LANGUAGE_STORAGE_KEY } from '../i18n/i18n';
import { Button } from './ui';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const next = i18n.language === 'en' ? 'ja' : 'en';
  const change = () => {
    void i18n.changeLanguage(next);
    document.documentElement.lang = next;
    document.title = i18n.t('app.name');
    try {
      localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  };
  return (
    <Button
      look="quiet"
      onClick={change}
      lang={next}
      aria-label={`${t('language.label')}: ${t('language.switchTo')}`}
      testId="language-switch"
    >
      {t('language.switchTo')}
    </Button>
  );
}
