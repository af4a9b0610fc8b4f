/**
 * After 「助けが必要です」: the screen says (not only speaks) that city hall was told and what happens
 * next, until the resident taps わかりました; home keeps a line saying so while the safety check is
 * on the terminal.
 */
import { BigButton } from '@tsunagu/ui';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useAnnouncements } from '../../state/TerminalState';

const css = `
.tr-help { position: fixed; inset: 0; z-index: 550; background: #ffffff; color: #111111; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 4vmin; padding: 4vmin; text-align: center; }
.tr-help h1 { font-size: max(52px, 2rem); margin: 0; }
.tr-help p { font-size: max(36px, 1.2rem); margin: 0; max-width: 32em; }
.tr-help .ts-button { min-width: max(360px, 40vmin); min-height: max(160px, 20vmin); font-size: max(44px, 1.4rem); }
`;

export function HelpRequestedScreen({ onDone }: { onDone: () => void }): ReactElement {
  const { t } = useTranslation();
  return (
    <div className="tr-help" role="alertdialog" aria-labelledby="tr-help-title" data-testid="help-requested">
      <style>{css}</style>
      <h1 id="tr-help-title">{t('announcements.helpRequestedTitle')}</h1>
      <p>{t('announcements.helpRequestedBody')}</p>
      <p>{t('announcements.helpRequestedNext')}</p>
      <BigButton
        icon="check"
        label={t('announcements.helpRequestedOk')}
        variant="positive"
        onPress={onDone}
        testId="help-requested-ok"
      />
    </div>
  );
}

/** True while a safety check answered 「助けが必要です」 is on the terminal. */
export function useHelpRequested(): boolean {
  return useAnnouncements().some((a) => a.safetyCheck && a.safetyAnswer === 'need_help');
}

/** Home's line: city hall was told and will get in touch. */
export function HomeHelpNotice(): ReactElement | null {
  const { t } = useTranslation();
  if (!useHelpRequested()) return null;
  return (
    <p className="ts-panel ts-panel--notice tr-panel-line" role="status" data-testid="home-help-requested">
      {t('announcements.helpRequestedHome')}
    </p>
  );
}
