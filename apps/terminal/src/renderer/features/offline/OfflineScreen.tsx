// Shown whenever the hub cannot be reached: what is happening, that it fixes itself, and what to do if not.
import { BigButton, ButtonGrid, Icon, Screen } from '@tsunagu/ui';
import { type ReactElement, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionStatus } from '../../connection';
import { useSound } from '../../sound/SoundContext';
import { useTerminalState } from '../../state/TerminalState';
import { newIdempotencyKey } from '../checkin/queue';

export type OfflineKind = Exclude<ConnectionStatus, 'online'>;

export function OfflineScreen({
  kind,
  phone,
  canCheckIn = false,
  onAnnouncements,
}: {
  kind: OfflineKind;
  phone: string | null;
  /** An enrolled terminal that lost the hub: 元気です still works, kept until the hub is back. */
  canCheckIn?: boolean;
  /** The announcements the terminal kept, played again without the hub. */
  onAnnouncements?: () => void;
}): ReactElement {
  const { t } = useTranslation();
  const { announce } = useSound();
  const [checkedIn, setCheckedIn] = useState(false);
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
      {canCheckIn && checkedIn ? (
        <div className="tr-message" role="status" data-testid="offline-checkin-queued">
          <Icon name="heart" className="tr-message__icon" />
          <p className="ts-text ts-text--large">{t('offline.checkinKept')}</p>
        </div>
      ) : null}
      {(canCheckIn && !checkedIn) || onAnnouncements ? (
        <ButtonGrid columns={2}>
          {canCheckIn && !checkedIn ? (
            <OfflineCheckin
              onDone={() => {
                setCheckedIn(true);
                announce({ text: t('offline.checkinKept'), tone: 'success' });
              }}
            />
          ) : null}
          {onAnnouncements ? (
            <BigButton
              icon="bell"
              label={t('offline.announcements')}
              onPress={onAnnouncements}
              testId="offline-announcements"
            />
          ) : null}
        </ButtonGrid>
      ) : null}
    </Screen>
  );
}

/** 元気です while offline: kept in the outbox; the hub counts it once by its key and dates it by the press. */
function OfflineCheckin({ onDone }: { onDone: () => void }): ReactElement {
  const { t } = useTranslation();
  const { checkins } = useTerminalState();
  return (
    <BigButton
      icon="heart"
      label={t('checkin.button')}
      variant="positive"
      onPress={() => {
        checkins.add({ idempotencyKey: newIdempotencyKey(), pressedAt: new Date().toISOString() });
        onDone();
      }}
      testId="offline-checkin"
    />
  );
}
