import { BigButton } from '@tsunagu/ui';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';

export function BackButton({ onBack }: { onBack: () => void }): ReactElement {
  const { t } = useTranslation();
  return (
    <BigButton
      icon="back"
      label={t('common.back')}
      onPress={onBack}
      variant="neutral"
      compact
      testId="back"
      className="tr-back"
    />
  );
}

/** The way back when it is the only thing left to do on a screen: the biggest button there. */
export function LargeBackButton({ onBack, label }: { onBack: () => void; label: string }): ReactElement {
  return (
    <BigButton icon="back" label={label} onPress={onBack} variant="neutral" className="tr-back-large" testId="back" />
  );
}
