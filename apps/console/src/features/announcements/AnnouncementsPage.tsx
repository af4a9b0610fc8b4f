/**
 * City hall's announcements: compose (with preview and the guards against human error), the list
 * with live receipt counters, and per announcement the households to follow up (CSV export),
 * approval under the two-person rule, correction and cancellation.
 */
import type {
  Announcement,
  AnnouncementSettings,
  District,
  FollowUpHousehold,
  Household,
  ReceiptCounts,
} from '@tsunagu/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffEvent, useStaffReconnect } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { routeArgument } from '../../shell/route';
import {
  ConfirmDialog,
  ErrorMessage,
  Field,
  FormActions,
  LoadState,
  Modal,
  StatusMessage,
  useLoad,
} from '../../shell/ui';
import { ComposeDialog } from './ComposeDialog';
import { announcementsEn, announcementsJa } from './messages';

const css = `
.ann-counts { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: 0.5rem; margin: 0 0 1rem; }
.ann-counts > div { border: 2px solid #111; border-radius: 8px; padding: 0.4rem 0.6rem; }
.ann-counts dt { font-size: 0.9rem; }
.ann-counts dd { margin: 0; font-size: 1.8rem; font-weight: 800; }
.ann-detail { margin-top: 1.5rem; border-top: 3px solid #111; padding-top: 1rem; }
.ann-detail h2 { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
`;

const COUNT_KEYS: (keyof ReceiptCounts)[] = [
  'targeted',
  'delivered',
  'played',
  'acknowledged',
  'safe',
  'needHelp',
  'notAnswered',
];

/** Adds this page's words to the console's catalogues (once). */
function useMessages() {
  const { i18n, t } = useTranslation();
  if (!i18n.exists('ann.title')) {
    i18n.addResourceBundle('ja', 'translation', { ann: announcementsJa }, true, true);
    i18n.addResourceBundle('en', 'translation', { ann: announcementsEn }, true, true);
  }
  return t;
}

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
      api.get<{ announcements: Announcement[] }>('api/announcements', { limit: 100 }),
      api.get<{ districts: District[] }>('api/districts'),
      api.get<{ households: Household[] }>('api/households'),
      api.get<AnnouncementSettings>('api/announcements/settings'),
    ]);
    return { announcements: a.announcements, districts: d.districts, households: h.households, settings: s };
  }, []);
  const [composing, setComposing] = useState(false);
  // `#/announcements/12` (e.g. from 自動配信の記録) opens announcement 12.
  const [selected, setSelected] = useState<number | null>(() => Number(routeArgument(window.location.hash)) || null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

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

  const setApproval = async (value: boolean) => {
    setError(null);
    try {
      // The client's method list has no PUT yet; the hub's settings route is a PUT (idempotent replace).
      const s = await api.request<AnnouncementSettings>('PUT' as 'POST', 'api/announcements/settings', {
        requireEmergencyApproval: value,
      });
      state.set((d) => d && { ...d, settings: s });
      setStatus(t('ann.settingSaved'));
    } catch (err) {
      setError(err);
    }
  };

  const list = state.data?.announcements ?? [];
  const current = list.find((a) => a.id === selected) ?? null;
  return (
    <section aria-labelledby="announcements-title">
      <style>{css}</style>
      <div className="page-head">
        <h1 id="announcements-title">{t('ann.title')}</h1>
        <button
          type="button"
          className="button button-primary"
          onClick={() => setComposing(true)}
          data-testid="announcement-compose"
        >
          {t('ann.compose')}
        </button>
      </div>
      <p>{t('ann.intro')}</p>
      <StatusMessage>{status}</StatusMessage>
      <ErrorMessage error={error} />
      <LoadState state={state}>
        {user.admin && state.data ? (
          <label className="check">
            <input
              type="checkbox"
              checked={state.data.settings.requireEmergencyApproval}
              onChange={(e) => void setApproval(e.target.checked)}
              data-testid="require-approval"
            />
            {t('ann.requireApproval')}
          </label>
        ) : null}
        {list.length === 0 ? (
          <p>{t('ann.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table table-compact" data-testid="announcements-table">
              <caption className="visually-hidden">{t('ann.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('ann.colStatus')}</th>
                  <th scope="col">{t('ann.colKind')}</th>
                  <th scope="col">{t('ann.colTitle')}</th>
                  <th scope="col">{t('ann.colSent')}</th>
                  {COUNT_KEYS.map((k) => (
                    <th scope="col" key={k}>
                      {t(`ann.counts.${k}`)}
                    </th>
                  ))}
                  <th scope="col">
                    <span className="visually-hidden">{t('ann.open')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.id} data-testid="announcement-row" data-id={a.id} data-status={a.status}>
                    <td>{t(`ann.statuses.${a.status}`)}</td>
                    <td>
                      <span className={a.kind === 'emergency' ? 'tag tag-warn' : 'tag'}>
                        {t(`ann.kindShort.${a.kind}`)}
                      </span>
                      {a.test ? <span className="tag">{t('ann.testTag')}</span> : null}
                    </td>
                    <th scope="row">
                      {a.titleJa}
                      <span className="cell-sub">{t(`ann.source.${a.source}`)}</span>
                    </th>
                    <td className="nowrap">{formatDateTime(a.publishedAt ?? a.sendAt, i18n.language)}</td>
                    {COUNT_KEYS.map((k) => (
                      <td key={k} className="mono" data-count={k}>
                        {a.counts[k]}
                      </td>
                    ))}
                    <td className="actions">
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => setSelected(a.id)}
                        data-testid="announcement-open"
                      >
                        {t('ann.open')}
                        <span className="visually-hidden">（{a.titleJa}）</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
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
    </section>
  );
}

function Detail({
  a,
  onUpdated,
  meId,
  districts,
}: {
  a: Announcement;
  onUpdated(a: Announcement): void;
  meId: string;
  districts: District[];
}) {
  const t = useMessages();
  const { i18n } = useTranslation();
  const { api } = useSession();
  const [sort, setSort] = useState<'district' | 'needsAssistance'>('district');
  const followUps = useLoad(
    () =>
      api
        .get<{ households: FollowUpHousehold[] }>(`api/announcements/${a.id}/follow-ups`, { sort })
        .then((r) => r.households),
    [a.id, sort],
  );
  const [confirm, setConfirm] = useState<'cancel' | 'approve' | null>(null);
  const [editing, setEditing] = useState(false);
  useStaffEvent('announcement:receiptsChanged', (p) => {
    if (p.announcementId === a.id) followUps.reload();
  });
  const districtName = (id: number) => {
    const d = districts.find((x) => x.id === id);
    return d ? (i18n.language === 'en' ? d.nameEn : d.name) : String(id);
  };
  const open = a.status !== 'cancelled' && a.status !== 'expired';
  return (
    <section
      aria-labelledby="announcement-detail-title"
      className="ann-detail"
      data-testid="announcement-detail"
      data-id={a.id}
    >
      <h2 id="announcement-detail-title">
        {a.titleJa} <span className="tag">{t(`ann.statuses.${a.status}`)}</span>
      </h2>
      <p>{a.bodyJa}</p>
      <h3>{t('ann.live')}</h3>
      <dl className="ann-counts" data-testid="announcement-counts">
        {COUNT_KEYS.map((k) => (
          <div key={k}>
            <dt>{t(`ann.counts.${k}`)}</dt>
            <dd data-testid={`count-${k}`}>{a.counts[k]}</dd>
          </div>
        ))}
      </dl>
      <div className="toolbar">
        {a.status === 'pending_approval' && a.createdBy !== meId ? (
          <button
            type="button"
            className="button button-danger"
            onClick={() => setConfirm('approve')}
            data-testid="announcement-approve"
          >
            {t('ann.approve')}
          </button>
        ) : null}
        {open ? (
          <>
            <button type="button" className="button" onClick={() => setEditing(true)} data-testid="announcement-edit">
              {t('ann.edit')}
            </button>
            <button
              type="button"
              className="button button-danger-outline"
              onClick={() => setConfirm('cancel')}
              data-testid="announcement-cancel"
            >
              {t('ann.cancel')}
            </button>
          </>
        ) : null}
        <a
          className="button"
          href={`../api/announcements/${a.id}/follow-ups.csv?sort=${sort}`}
          download
          data-testid="announcement-csv"
        >
          {t('ann.csv')}
        </a>
        <a className="button button-quiet" href={`../api/announcements/${a.id}/cap`} target="_blank" rel="noreferrer">
          {t('ann.capXml')}
        </a>
      </div>
      <h3>{t('ann.followUps')}</h3>
      <Field label={t('ann.sort')}>
        {({ id }) => (
          <select
            id={id}
            value={sort}
            onChange={(e) => setSort(e.target.value as 'district' | 'needsAssistance')}
            data-testid="followups-sort"
          >
            <option value="district">{t('ann.sortDistrict')}</option>
            <option value="needsAssistance">{t('ann.sortAssistance')}</option>
          </select>
        )}
      </Field>
      <LoadState state={followUps}>
        {(followUps.data ?? []).length === 0 ? (
          <p>{t('ann.followUpsEmpty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table table-compact" data-testid="followups-table">
              <caption className="visually-hidden">{t('ann.followUps')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('ann.colState')}</th>
                  <th scope="col">{t('ann.colHousehold')}</th>
                  <th scope="col">{t('ann.colAddress')}</th>
                  <th scope="col">{t('ann.colPhone')}</th>
                  <th scope="col">{t('ann.colDistrict')}</th>
                  <th scope="col">{t('ann.colAssistance')}</th>
                </tr>
              </thead>
              <tbody>
                {(followUps.data ?? []).map((h) => (
                  <tr key={h.householdId} data-testid="followup-row" data-state={h.state}>
                    <td>
                      <span className={h.state === 'need_help' ? 'tag tag-warn' : 'tag'}>
                        {h.state === 'need_help' ? t('ann.stateNeedHelp') : t('ann.stateNotAnswered')}
                      </span>
                      {h.delivered ? null : <span className="cell-sub">{t('ann.notDelivered')}</span>}
                    </td>
                    <th scope="row">{h.name}</th>
                    <td>{h.address}</td>
                    <td className="nowrap">{h.phone ? <a href={`tel:${h.phone}`}>{h.phone}</a> : ''}</td>
                    <td>{h.districtName || districtName(h.districtId)}</td>
                    <td>{h.needsAssistance ? t('ann.yes') : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LoadState>
      {confirm ? (
        <ConfirmDialog
          title={confirm === 'cancel' ? t('ann.cancelTitle') : t('ann.approveTitle')}
          body={confirm === 'cancel' ? t('ann.cancelBody') : t('ann.approveBody')}
          confirmLabel={confirm === 'cancel' ? t('ann.cancel') : t('ann.approve')}
          onCancel={() => setConfirm(null)}
          onConfirm={async () => {
            onUpdated(await api.post<Announcement>(`api/announcements/${a.id}/${confirm}`));
            setConfirm(null);
          }}
        />
      ) : null}
      {editing ? (
        <EditDialog
          a={a}
          onClose={() => setEditing(false)}
          onSaved={(x) => {
            onUpdated(x);
            setEditing(false);
          }}
        />
      ) : null}
    </section>
  );
}

function EditDialog({ a, onClose, onSaved }: { a: Announcement; onClose(): void; onSaved(a: Announcement): void }) {
  const t = useMessages();
  const { api } = useSession();
  const [titleJa, setTitleJa] = useState(a.titleJa);
  const [bodyJa, setBodyJa] = useState(a.bodyJa);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      onSaved(await api.patch<Announcement>(`api/announcements/${a.id}`, { titleJa, bodyJa }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title={t('ann.editTitle')} onClose={onClose} hideFooter testId="edit-dialog">
      <form className="form" onSubmit={submit}>
        <Field label={t('ann.titleJa')}>
          {({ id }) => (
            <input id={id} required maxLength={200} value={titleJa} onChange={(e) => setTitleJa(e.target.value)} />
          )}
        </Field>
        <Field label={t('ann.bodyJa')}>
          {({ id }) => (
            <textarea
              id={id}
              required
              maxLength={4000}
              rows={4}
              value={bodyJa}
              onChange={(e) => setBodyJa(e.target.value)}
            />
          )}
        </Field>
        <ErrorMessage error={error} />
        <FormActions onCancel={onClose} submitLabel={t('ann.editSave')} busy={busy} />
      </form>
    </Modal>
  );
}
