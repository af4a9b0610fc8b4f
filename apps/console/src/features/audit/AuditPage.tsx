/** Administrators: the append-only audit log, newest first, paged with "load more". */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { ErrorMessage, LoadState, useLoad } from '../../shell/ui';

const PAGE = 100;

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const { api } = useSession();
  const state = useLoad(() => api.call('GET /api/audit', { query: { limit: PAGE } }).then((r) => r.entries), []);
  const [more, setMore] = useState<{ busy: boolean; end: boolean; error: unknown }>({
    busy: false,
    end: false,
    error: null,
  });
  const entries = state.data ?? [];

  const loadMore = async () => {
    const last = entries[entries.length - 1];
    if (!last) return;
    setMore({ busy: true, end: false, error: null });
    try {
      const next = (await api.call('GET /api/audit', { query: { limit: PAGE, beforeId: last.id } })).entries;
      state.set((d) => [...(d ?? []), ...next]);
      setMore({ busy: false, end: next.length < PAGE, error: null });
    } catch (error) {
      setMore({ busy: false, end: false, error });
    }
  };

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      <LoadState state={state}>
        {entries.length === 0 ? (
          <p>{t('audit.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table table-compact" data-testid="audit-table">
              <caption className="visually-hidden">{t('audit.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.colAt')}</th>
                  <th scope="col">{t('audit.colActor')}</th>
                  <th scope="col">{t('audit.colAction')}</th>
                  <th scope="col">{t('audit.colTarget')}</th>
                  <th scope="col">{t('audit.colIp')}</th>
                  <th scope="col">{t('audit.colDetail')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                    <td className="nowrap">{formatDateTime(e.at, i18n.language)}</td>
                    <td className="mono">{e.actor}</td>
                    <th scope="row" className="mono">
                      {e.action}
                    </th>
                    <td className="mono">{e.target ?? ''}</td>
                    <td className="mono">{e.ip ?? ''}</td>
                    <td className="mono detail">{e.detail ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ErrorMessage error={more.error} />
        {entries.length >= PAGE && !more.end ? (
          <button type="button" className="button" onClick={() => void loadMore()} disabled={more.busy}>
            {t('common.loadMore')}
          </button>
        ) : entries.length > 0 ? (
          <p className="hint">{t('audit.end')}</p>
        ) : null}
      </LoadState>
    </section>
  );
}
