// Always mounted while enrolled: sends kept check-ins when the hub is back, and voices reminders.
import type { CheckinReminder } from '@tsunagu/protocol';
import { isUiLanguage } from '@tsunagu/ui';
import { type ReactElement, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ackWithTimeout, useConnection, useSocketEvent } from '../../connection';
import { announce } from '../../shell/feedback';
import { checkinQueue } from './CheckinScreen';

export function CheckinBackground(): ReactElement | null {
  const { t, i18n } = useTranslation();
  const connection = useConnection();
  const language = isUiLanguage(i18n.language) ? i18n.language : 'ja';

  useEffect(() => {
    if (!connection) return;
    const socket = connection.socket;
    const flush = () => void checkinQueue.flush((e) => ackWithTimeout(socket, 'checkin:submit', e, 8_000));
    if (socket.connected) flush();
    socket.on('connect', flush);
    return () => {
      socket.off('connect', flush);
    };
  }, [connection]);

  useSocketEvent('checkin:reminder', (r: CheckinReminder) => {
    announce(
      { text: r.stage === 'deadline' ? t('checkin.deadlineSpoken') : t('checkin.reminderSpoken'), tone: 'chime' },
      language,
    );
  });
  return null;
}
