/** The notifications sent about a watch alert outside the console, with each one's outcome (on the alert card). */
import type { NotificationDelivery } from '@tsunagu/protocol';
import { formatDateTime } from '../../i18n/i18n';
import { useNotifyMessages } from './messages';

export function Deliveries({ deliveries, alertId }: { deliveries: NotificationDelivery[]; alertId: number }) {
  const { t, language } = useNotifyMessages();
  if (deliveries.length === 0) return null;
  const time = (iso: string | null) => formatDateTime(iso, language);
  return (
    <details className="watch-deliveries" data-testid={`watch-deliveries-${alertId}`}>
      <summary>
        {t('notify.deliveries')} ({deliveries.length})
      </summary>
      <ul>
        {deliveries.map((d) => (
          <li key={d.id} data-status={d.status} data-channel={d.channel}>
            {d.userName} · {t(`notify.channels.${d.channel}`, { defaultValue: d.channel })} ·{' '}
            {t(`notify.statuses.${d.status}`)}
            {d.sentAt ? ` ${time(d.sentAt)}` : ''}
            {d.status === 'pending' && d.nextAttemptAt
              ? ` · ${t('notify.attempts', { n: d.attempts + 1 })} ${t('notify.retryAt', { time: time(d.nextAttemptAt) })}`
              : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}
