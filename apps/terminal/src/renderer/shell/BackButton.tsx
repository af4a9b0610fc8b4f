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
