// Extension point: the announcements feature replaces this placeholder with the list of news.
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { PreparingScreen } from '../../shell/PreparingScreen';

export function AnnouncementsScreen({ onBack }: { onBack: () => void }): ReactElement {
  const { t } = useTranslation();
  return <PreparingScreen title={t('announcements.title')} icon="bell" onBack={onBack} testId="announcements-screen" />;
}
