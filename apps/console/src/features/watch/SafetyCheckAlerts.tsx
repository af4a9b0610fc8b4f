/** On a safety check's live view: the watch alerts it raised (help requests, households not answering), live. */
import { useStaffEvent } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { DataTable } from '../../shell/DataTable';
import { useLoad } from '../../shell/ui';
import { useNotifyMessages } from '../notifications/messages';

export function SafetyCheckAlerts({ announcementId }: { announcementId: number }) {
  const { t, language } = useNotifyMessages();
  const { api } = useSession();
  const alerts = useLoad(
    () => api.call('GET /api/watch/alerts', { query: { announcementId, state: 'all' } }).then((r) => r.alerts),
    [announcementId],
  );
  const reload = (a: { announcementId: number | null }) => {
    if (a.announcementId === announcementId) alerts.reload();
  };
  useStaffEvent('watch:alertRaised', reload);
  useStaffEvent('watch:alertUpdated', reload);
  return (
    <>
      <h3>{t('watch.fromSafetyCheck')}</h3>
      <DataTable
        state={alerts}
        caption={t('watch.fromSafetyCheck')}
        testId="safety-check-alerts"
        compact
        empty={t('watch.noAlerts')}
        rows={alerts.data ?? []}
        rowData={(a) => ({ 'data-testid': `safety-alert-${a.id}`, 'data-kind': a.kind, 'data-state': a.state })}
        columns={[
          { header: t('watch.resident'), rowHeader: true, cell: (a) => a.householdName ?? '' },
          {
            header: t('watch.kindHeading'),
            cell: (a) => (
              <span className={a.kind === 'help_request' ? 'tag tag-warn' : 'tag'}>{t(`watch.kind.${a.kind}`)}</span>
            ),
          },
          { header: t('watch.statusHeading'), cell: (a) => t(`watch.state.${a.state}`) },
          { header: t('watch.level', { level: '' }).trim(), cell: (a) => String(a.level) },
          { header: t('notify.deliveries'), cell: (a) => String(a.deliveries.length) },
          { header: t('watch.openedAt'), className: 'nowrap', cell: (a) => formatDateTime(a.openedAt, language) },
        ]}
      />
      <p>
        <a href="#/watch" data-testid="safety-open-watch">
          {t('notify.ack.open')}
        </a>
      </p>
    </>
  );
}
