/**
 * City hall: 自動配信の記録 — every JMA telegram the hub received, what it decided and why, with
 * the announcement it made or withdrew; below it, the city's areas and the policy (admins edit).
 */
import type { JmaTelegramRecord } from '@tsunagu/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffEvent, useStaffReconnect } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { ErrorMessage, LoadState, useLoad } from '../../shell/ui';
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
  const [more, setMore] = useState<{ busy: boolean; end: boolean; error: unknown }>({
    busy: false,
    end: false,
    error: null,
  });
  // An automatic alert changes an announcement: the record has a new row then.
  useStaffEvent('announcement:changed', (a) => {
    if (a.createdBy === 'system:jma') state.reload();
  });
  useStaffReconnect(state.reload);
  const rows = state.data ?? [];

  const loadMore = async () => {
    const last = rows[rows.length - 1];
    if (!last) return;
    setMore({ busy: true, end: false, error: null });
    try {
      const next = (await api.call('GET /api/jma/telegrams', { query: { limit: PAGE, beforeId: last.id } })).telegrams;
      state.set((d) => [...(d ?? []), ...next]);
      setMore({ busy: false, end: next.length < PAGE, error: null });
    } catch (error) {
      setMore({ busy: false, end: false, error });
    }
  };

  return (
    <section aria-labelledby="jma-title">
      <style>{css}</style>
      <div className="page-head">
        <h1 id="jma-title">{t('jma.title')}</h1>
        <button type="button" className="button" onClick={state.reload} data-testid="jma-reload">
          {t('jma.reload')}
        </button>
      </div>
      <p>{t('jma.intro')}</p>
      <LoadState state={state}>
        {rows.length === 0 ? (
          <p>{t('jma.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table table-compact" data-testid="jma-table">
              <caption className="visually-hidden">{t('jma.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('jma.colReceived')}</th>
                  <th scope="col">{t('jma.colTelegram')}</th>
                  <th scope="col">{t('jma.colMode')}</th>
                  <th scope="col">{t('jma.colDecision')}</th>
                  <th scope="col">{t('jma.colReason')}</th>
                  <th scope="col">{t('jma.colAnnouncement')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <Row key={r.id} r={r} language={i18n.language} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ErrorMessage error={more.error} />
        {rows.length >= PAGE && !more.end ? (
          <button type="button" className="button" onClick={() => void loadMore()} disabled={more.busy}>
            {t('common.loadMore')}
          </button>
        ) : rows.length > 0 ? (
          <p className="hint">{t('jma.end')}</p>
        ) : null}
      </LoadState>
      <JmaSettingsPanel />
    </section>
  );
}

function Row({ r, language }: { r: JmaTelegramRecord; language: string }) {
  const t = useJmaMessages();
  return (
    <tr data-testid="jma-row" data-decision={r.decision} data-id={r.id}>
      <td className="nowrap">
        {formatDateTime(r.receivedAt, language)}
        <span className="cell-sub">{r.source === 'feed' ? t('jma.viaFeed') : t('jma.viaApi')}</span>
      </td>
      <th scope="row">
        {r.title}
        {t(`jma.infoTypes.${r.infoType}`)}
        <span className="cell-sub">{r.headline}</span>
      </th>
      <td>
        <span className={r.mode === 'live' ? 'tag' : 'tag tag-warn'}>{t(`jma.modes.${r.mode}`)}</span>
      </td>
      <td className={`jma-decision jma-decision-${r.decision}`}>{t(`jma.decisions.${r.decision}`)}</td>
      <td className="jma-reason">{language === 'en' ? r.reasonEn : r.reasonJa}</td>
      <td>
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
      </td>
    </tr>
  );
}
