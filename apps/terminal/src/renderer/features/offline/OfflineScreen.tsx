// Shown whenever the hub cannot be reached: what is happening, that it fixes itself, and what to do if not.
import { BigButton, ButtonGrid, Screen } from '@tsunagu/ui';
import { type ReactElement, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionStatus } from '../../connection';
import { LargeBackButton } from '../../shell/BackButton';
import { Message } from '../../shell/Message';
import { useSound } from '../../sound/SoundContext';
import { useTerminalState } from '../../state/TerminalState';
import { newIdempotencyKey } from '../checkin/queue';

export type OfflineKind = Exclude<ConnectionStatus, 'online'>;

export function OfflineScreen({
  kind,
  phone,
  canCheckIn = false,
  onAnnouncements,
  onBack,
}: {
  kind: OfflineKind;
  phone: string | null;
  /** An enrolled terminal that lost the hub: 元気です still works, kept until the hub is back. */
  canCheckIn?: boolean;
  /** The announcements the terminal kept, played again without the hub. */
  onAnnouncements?: () => void;
  /**
   * Connecting, with home already drawn from the remembered profile: the resident asked for a
   * screen that needs the hub (a call, help); it follows by itself once connected, or they go home.
   */
  onBack?: () => void;
}): ReactElement {
  const { t } = useTranslation();
  const { announce } = useSound();
  const [checkedIn, setCheckedIn] = useState(false);
  if (kind === 'connecting' && onBack) {
    return (
      <Screen title={t('offline.connectingTitle')} testId="waiting-for-hub-screen">
        <Message icon="hourglass" role="status" text={t('offline.waitingBody')} />
        <LargeBackButton onBack={onBack} label={t('checkin.home')} />
      </Screen>
    );
  }
  if (kind === 'connecting') {
    return (
      <Screen title={t('offline.connectingTitle')} testId="connecting-screen">
        <Message icon="hourglass" role="status" text={t('offline.connectingBody')} />
      </Screen>
    );
  }
  if (kind === 'outdated') {
    return (
      <Screen title={t('offline.outdatedTitle')} testId="outdated-screen">
        <Message icon="tools" role="alert" text={t('offline.outdatedBody')}>
          {phone ? <p className="ts-text">{t('common.callCityHall', { context: 'withPhone', phone })}</p> : null}
        </Message>
      </Screen>
    );
  }
  return (
    <Screen title={t('offline.title')} testId="offline-screen">
      <Message icon="offline" role="alert" text={t('offline.body')}>
        <p className="ts-text ts-text--large">{t('offline.whatToDo')}</p>
      </Message>
      {canCheckIn && checkedIn ? (
        <Message icon="heart" role="status" testId="offline-checkin-queued" text={t('offline.checkinKept')} />
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
