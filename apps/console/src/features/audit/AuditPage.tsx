/** Administrators: the append-only audit log, newest first, paged with "load more". */
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { DataTable, usePagedRows } from '../../shell/DataTable';
import { Page } from '../../shell/Page';
import { useLoad } from '../../shell/ui';
import { useAuditWords } from './messages';

const PAGE = 100;

export function AuditPage() {
  const { t, i18n } = useAuditWords();
  const { api } = useSession();
  const state = useLoad(() => api.call('GET /api/audit', { query: { limit: PAGE } }).then((r) => r.entries), []);
  const paged = usePagedRows(
    state,
    PAGE,
    async (beforeId) => (await api.call('GET /api/audit', { query: { limit: PAGE, beforeId } })).entries,
  );

  return (
    <Page id="audit" title={t('audit.title')} intro={t('audit.intro')}>
      <DataTable
        state={state}
        caption={t('audit.title')}
        testId="audit-table"
        compact
        empty={t('audit.empty')}
        rows={paged.rows}
        rowData={(e) => ({ 'data-testid': 'audit-row', 'data-action': e.action })}
        columns={[
          { header: t('audit.colAt'), className: 'nowrap', cell: (e) => formatDateTime(e.at, i18n.language) },
          { header: t('audit.colActor'), className: 'mono', cell: (e) => e.actor },
          {
            header: t('audit.colAction'),
            rowHeader: true,
            // In words; the stored code stays findable as the cell's title (and for actions no longer written).
            cell: (e) => <span title={e.action}>{t(`audit.actions.${e.action}`, { defaultValue: e.action })}</span>,
          },
          { header: t('audit.colTarget'), className: 'mono', cell: (e) => e.target ?? '' },
          { header: t('audit.colIp'), className: 'mono', cell: (e) => e.ip ?? '' },
          { header: t('audit.colDetail'), className: 'mono detail', cell: (e) => e.detail ?? '' },
        ]}
        more={{ paged: paged, endText: t('audit.end') }}
      />
    </Page>
  );
}
