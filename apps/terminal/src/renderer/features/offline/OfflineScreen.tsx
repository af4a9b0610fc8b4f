// Shown whenever the hub cannot be reached: what is happening, that it fixes itself, and what to do if not.
import { BigButton, Icon, isUiLanguage, Screen } from '@tsunagu/ui';
import { type ReactElement, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionStatus } from '../../connection';
import { announce } from '../../shell/feedback';
import { checkinQueue } from '../checkin/CheckinScreen';
import { newIdempotencyKey } from '../checkin/queue';

export type OfflineKind = Exclude<ConnectionStatus, 'online'>;

export function OfflineScreen({
  kind,
  phone,
  canCheckIn = false,
}: {
  kind: OfflineKind;
  phone: string | null;
  /** An enrolled terminal that lost the hub: 元気です still works, kept until the hub is back. */
  canCheckIn?: boolean;
}): ReactElement {
  const { t, i18n } = useTranslation();
  const [checkedIn, setCheckedIn] = useState(false);
  const language = isUiLanguage(i18n.language) ? i18n.language : 'ja';
  const checkIn = () => {
    // The background sender delivers it on reconnection; the hub counts it once by its key and
    // dates it by the time it was pressed.
    checkinQueue.add({ idempotencyKey: newIdempotencyKey(), pressedAt: new Date().toISOString() });
    setCheckedIn(true);
    announce({ text: t('offline.checkinKept'), tone: 'success' }, language);
  };
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
      {canCheckIn && !checkedIn ? (
        <BigButton
          icon="heart"
          label={t('checkin.button')}
          variant="positive"
          onPress={checkIn}
          className="tr-back-large"
          testId="offline-checkin"
        />
      ) : null}
      {canCheckIn && checkedIn ? (
        <div className="tr-message" role="status" data-testid="offline-checkin-queued">
          <Icon name="heart" className="tr-message__icon" />
          <p className="ts-text ts-text--large">{t('offline.checkinKept')}</p>
        </div>
      ) : null}
    </Screen>
  );
}
