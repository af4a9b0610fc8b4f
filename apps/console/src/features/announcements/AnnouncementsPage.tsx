/**
 * City hall's announcements: compose (with preview and the guards against human error), the list
 * with live receipt counters, and per announcement the households to follow up (CSV export),
 * approval under the two-person rule, correction and cancellation.
 */
import type { Announcement, AnnouncementSettings, District, Household } from '@tsunagu/protocol';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffEvent, useStaffReconnect } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { DataTable, RowButton } from '../../shell/DataTable';
import { CheckField } from '../../shell/form';
import { Page } from '../../shell/Page';
import { routeArgument } from '../../shell/route';
import { ErrorMessage, LoadState, StatusMessage, useAction, useLoad } from '../../shell/ui';
import { Detail } from './AnnouncementDetail';
import { ComposeDialog } from './ComposeDialog';
import { COUNT_KEYS, useMessages } from './messages';

const css = `
.ann-counts { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: 0.5rem; margin: 0 0 1rem; }
.ann-counts > div { border: 2px solid #111; border-radius: 8px; padding: 0.4rem 0.6rem; }
.ann-counts dt { font-size: 0.9rem; }
.ann-counts dd { margin: 0; font-size: 1.8rem; font-weight: 800; }
.ann-detail { margin-top: 1.5rem; border-top: 3px solid #111; padding-top: 1rem; }
.ann-detail h2 { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
`;

interface Data {
  announcements: Announcement[];
  districts: District[];
  households: Household[];
  settings: AnnouncementSettings;
}

export function AnnouncementsPage() {
  const t = useMessages();
  const { i18n } = useTranslation();
  const { api, user } = useSession();
  const state = useLoad<Data>(async () => {
    const [a, d, h, s] = await Promise.all([
      api.call('GET /api/announcements', { query: { limit: 100 } }),
      api.call('GET /api/districts'),
      api.call('GET /api/households'),
      api.call('GET /api/announcements/settings'),
    ]);
    return { announcements: a.announcements, districts: d.districts, households: h.households, settings: s };
  }, []);
  const [composing, setComposing] = useState(false);
  // `#/announcements/12` (e.g. from 自動配信の記録) opens announcement 12.
  const [selected, setSelected] = useState<number | null>(() => Number(routeArgument(window.location.hash)) || null);
  // Also when such a link is followed while this page is open.
  useEffect(() => {
    const open = () => {
      const id = Number(routeArgument(window.location.hash));
      if (id) setSelected(id);
    };
    window.addEventListener('hashchange', open);
    return () => window.removeEventListener('hashchange', open);
  }, []);
  const [status, setStatus] = useState<string | null>(null);
  const action = useAction();

  const upsert = (a: Announcement) =>
    state.set(
      (d) =>
        d && {
          ...d,
          announcements: d.announcements.some((x) => x.id === a.id)
            ? d.announcements.map((x) => (x.id === a.id ? a : x))
            : [a, ...d.announcements],
        },
    );
  useStaffEvent('announcement:changed', upsert);
  useStaffEvent('announcement:receiptsChanged', (p) =>
    state.set(
      (d) =>
        d && {
          ...d,
          announcements: d.announcements.map((x) => (x.id === p.announcementId ? { ...x, counts: p.counts } : x)),
        },
    ),
  );
  useStaffReconnect(state.reload);

  const setApproval = (value: boolean) =>
    action.run(async () => {
      const s = await api.call('PUT /api/announcements/settings', { body: { requireEmergencyApproval: value } });
      state.set((d) => d && { ...d, settings: s });
      setStatus(t('ann.settingSaved'));
    });

  const list = state.data?.announcements ?? [];
  const current = list.find((a) => a.id === selected) ?? null;
  return (
    <Page
      id="announcements"
      title={t('ann.title')}
      intro={t('ann.intro')}
      css={css}
      actions={[
        { label: t('ann.compose'), onClick: () => setComposing(true), testId: 'announcement-compose', primary: true },
      ]}
    >
      <StatusMessage>{status}</StatusMessage>
      <ErrorMessage error={action.error} />
      <LoadState state={state}>
        {user.admin && state.data ? (
          <CheckField
            label={t('ann.requireApproval')}
            checked={state.data.settings.requireEmergencyApproval}
            onChange={(v) => void setApproval(v)}
            testId="require-approval"
          />
        ) : null}
        <DataTable
          caption={t('ann.title')}
          testId="announcements-table"
          compact
          empty={t('ann.empty')}
          rows={list}
          rowData={(a) => ({ 'data-testid': 'announcement-row', 'data-id': a.id, 'data-status': a.status })}
          columns={[
            { header: t('ann.colStatus'), cell: (a) => t(`ann.statuses.${a.status}`) },
            {
              header: t('ann.colKind'),
              cell: (a) => (
                <>
                  <span className={a.kind === 'emergency' ? 'tag tag-warn' : 'tag'}>
                    {t(`ann.kindShort.${a.kind}`)}
                  </span>
                  {a.test ? <span className="tag">{t('ann.testTag')}</span> : null}
                </>
              ),
            },
            {
              header: t('ann.colTitle'),
              rowHeader: true,
              cell: (a) => (
                <>
                  {a.titleJa}
                  <span className="cell-sub">{t(`ann.source.${a.source}`)}</span>
                </>
              ),
            },
            {
              header: t('ann.colSent'),
              className: 'nowrap',
              cell: (a) => formatDateTime(a.publishedAt ?? a.sendAt, i18n.language),
            },
            ...COUNT_KEYS.map((k) => ({
              header: t(`ann.counts.${k}`),
              className: 'mono',
              cell: (a: Announcement) => a.counts[k],
            })),
            {
              header: <span className="visually-hidden">{t('ann.open')}</span>,
              className: 'actions',
              cell: (a) => (
                <RowButton
                  label={t('ann.open')}
                  name={a.titleJa}
                  onClick={() => setSelected(a.id)}
                  testId="announcement-open"
                />
              ),
            },
          ]}
        />
        {current && state.data ? (
          <Detail
            key={current.id}
            a={current}
            onUpdated={upsert}
            meId={`user:${user.id}:${user.username}`}
            districts={state.data.districts}
          />
        ) : null}
      </LoadState>
      {composing && state.data ? (
        <ComposeDialog
          districts={state.data.districts}
          households={state.data.households}
          onClose={() => setComposing(false)}
          onSent={(a) => {
            upsert(a);
            setComposing(false);
            setSelected(a.id);
            setStatus(
              a.status === 'pending_approval'
                ? t('ann.pendingOk')
                : a.status === 'scheduled'
                  ? t('ann.scheduledOk')
                  : t('ann.sentOk'),
            );
          }}
        />
      ) : null}
    </Page>
  );
}
