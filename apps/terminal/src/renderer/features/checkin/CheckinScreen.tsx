// Extension point: the check-in feature replaces this placeholder (send `checkin:submit`, confirm).
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { PreparingScreen } from '../../shell/PreparingScreen';

export function CheckinScreen({ onBack }: { onBack: () => void }): ReactElement {
  const { t } = useTranslation();
  return <PreparingScreen title={t('checkin.title')} icon="heart" onBack={onBack} testId="checkin-screen" />;
}
