/**
 * City hall: 自動配信の記録 — every JMA telegram the hub received, what it decided and why, with
 * the announcement it made or withdrew; below it, the city's areas and the policy (admins edit).
 */
import type { JmaTelegramRecord } from '@tsunagu/protocol';
import { useTranslation } from 'react-i18next';
import { useStaffEvent, useStaffReconnect } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { DataTable, usePagedRows } from '../../shell/DataTable';
import { Page } from '../../shell/Page';
import { useLoad } from '../../shell/ui';
import { JmaSettingsPanel } from './JmaSettingsPanel';
import { useJmaMessages } from './messages';

const PAGE = 50;

const css = `
.jma-decision { font-weight: 700; }
.jma-decision-announced, .jma-decision-updated, .jma-decision-all_clear { color: #7a0000; }
.jma-reason { min-width: 18rem; }
.jma-links { display: flex; flex-direction: column; gap: 0.25rem; }
`;

export function AutoAlertsPage() {
  const t = useJmaMessages();
  const { i18n } = useTranslation();
  const { api } = useSession();
  const state = useLoad(
    () => api.call('GET /api/jma/telegrams', { query: { limit: PAGE } }).then((r) => r.telegrams),
    [],
  );
  const paged = usePagedRows(
    state,
    PAGE,
    async (beforeId) => (await api.call('GET /api/jma/telegrams', { query: { limit: PAGE, beforeId } })).telegrams,
  );
  // An automatic alert changes an announcement: the record has a new row then.
  useStaffEvent('announcement:changed', (a) => {
    if (a.createdBy === 'system:jma') state.reload();
  });
  useStaffReconnect(state.reload);

  return (
    <Page
      id="jma"
      title={t('jma.title')}
      intro={t('jma.intro')}
      css={css}
      actions={[{ label: t('jma.reload'), onClick: state.reload, testId: 'jma-reload' }]}
    >
      <DataTable
        state={state}
        caption={t('jma.title')}
        testId="jma-table"
        compact
        empty={t('jma.empty')}
        rows={paged.rows}
        rowData={(r) => ({ 'data-testid': 'jma-row', 'data-decision': r.decision, 'data-id': r.id })}
        columns={[
          {
            header: t('jma.colReceived'),
            className: 'nowrap',
            cell: (r) => (
              <>
                {formatDateTime(r.receivedAt, i18n.language)}
                <span className="cell-sub">{r.source === 'feed' ? t('jma.viaFeed') : t('jma.viaApi')}</span>
              </>
            ),
          },
          {
            header: t('jma.colTelegram'),
            rowHeader: true,
            cell: (r) => (
              <>
                {r.title}
                {t(`jma.infoTypes.${r.infoType}`)}
                <span className="cell-sub">{r.headline}</span>
              </>
            ),
          },
          {
            header: t('jma.colMode'),
            cell: (r) => <span className={r.mode === 'live' ? 'tag' : 'tag tag-warn'}>{t(`jma.modes.${r.mode}`)}</span>,
          },
          {
            header: t('jma.colDecision'),
            className: 'jma-decision',
            cell: (r) => <span className={`jma-decision-${r.decision}`}>{t(`jma.decisions.${r.decision}`)}</span>,
          },
          {
            header: t('jma.colReason'),
            className: 'jma-reason',
            cell: (r) => (i18n.language === 'en' ? r.reasonEn : r.reasonJa),
          },
          { header: t('jma.colAnnouncement'), cell: (r) => <Links r={r} /> },
        ]}
        more={{ paged: paged, endText: t('jma.end') }}
      />
      <JmaSettingsPanel />
    </Page>
  );
}

/** The announcement a telegram made (or withdrew), and the telegram itself. */
function Links({ r }: { r: JmaTelegramRecord }) {
  const t = useJmaMessages();
  return (
    <div className="jma-links">
      {r.announcementId !== null ? (
        <a href={`#/announcements/${r.announcementId}`} data-testid="jma-announcement-link">
          {t('jma.openAnnouncement')}
        </a>
      ) : null}
      {r.withdrawnIds.map((id) => (
        <a key={id} href={`#/announcements/${id}`}>
          {t('jma.withdrawnAnnouncement')}
        </a>
      ))}
      <a href={`../api/jma/telegrams/${r.id}/xml`} download>
        {t('jma.xml')}
      </a>
    </div>
  );
}
