// The honest placeholder for a service that is not wired yet: says so, and offers a big way back.

import { type IconName, Screen } from '@tsunagu/ui';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { LargeBackButton } from './BackButton';
import { Message } from './Message';

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
    <Screen title={title} testId={testId}>
      <Message icon={icon} text={t('common.preparingTitle')}>
        <p className="ts-text">{t('common.preparing')}</p>
      </Message>
      {/* The only thing to do here is go back, so it is the biggest thing on the screen. */}
      <LargeBackButton onBack={onBack} label={t('common.back')} />
    </Screen>
  );
}
