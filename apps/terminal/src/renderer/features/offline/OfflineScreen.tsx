// Shown whenever the hub cannot be reached: what is happening, that it fixes itself, and what to do if not.
import { Icon, Screen } from '@tsunagu/ui';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionStatus } from '../../connection';

export type OfflineKind = Exclude<ConnectionStatus, 'online'>;

export function OfflineScreen({ kind, phone }: { kind: OfflineKind; phone: string | null }): ReactElement {
  const { t } = useTranslation();
  if (kind === 'connecting') {
    return (
      <Screen title={t('offline.connectingTitle')} testId="connecting-screen">
        <div className="tr-message" role="status">
          <Icon name="hourglass" className="tr-message__icon" />
          <p className="ts-text ts-text--large">{t('offline.connectingBody')}</p>
        </div>
      </Screen>
    );
  }
  if (kind === 'outdated') {
    return (
      <Screen title={t('offline.outdatedTitle')} testId="outdated-screen">
        <div className="tr-message" role="alert">
          <Icon name="tools" className="tr-message__icon" />
          <div>
            <p className="ts-text ts-text--large">{t('offline.outdatedBody')}</p>
            {phone ? <p className="ts-text">{t('common.callCityHall', { context: 'withPhone', phone })}</p> : null}
          </div>
        </div>
      </Screen>
    );
  }
  return (
    <Screen title={t('offline.title')} testId="offline-screen">
      <div className="tr-message" role="alert">
        <Icon name="offline" className="tr-message__icon" />
        <div>
          <p className="ts-text ts-text--large">{t('offline.body')}</p>
          <p className="ts-text ts-text--large">{t('offline.whatToDo')}</p>
        </div>
      </div>
    </Screen>
  );
}
