// The honest placeholder for a service that is not wired yet: says so, and offers a big way back.
import { Icon, type IconName, Screen } from '@tsunagu/ui';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { BackButton } from './BackButton';

export function PreparingScreen({
  title,
  icon,
  onBack,
  testId,
}: {
  title: string;
  icon: IconName;
  onBack: () => void;
  testId: string;
}): ReactElement {
  const { t } = useTranslation();
  return (
    <Screen title={title} back={<BackButton onBack={onBack} />} testId={testId}>
      <div className="tr-message">
        <Icon name={icon} className="tr-message__icon" />
        <div>
          <p className="ts-text ts-text--large">{t('common.preparingTitle')}</p>
          <p className="ts-text">{t('common.preparing')}</p>
        </div>
      </div>
    </Screen>
  );
}
