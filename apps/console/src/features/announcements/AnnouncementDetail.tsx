/** One announcement in city hall's console: live counters, approval (also of a held change), correction, cancellation, and the households to follow up. */
import type { Announcement, District, FollowUpHousehold } from '@tsunagu/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffEvent } from '../../api/socket';
import { useSession } from '../../session';
import { DataTable } from '../../shell/DataTable';
import { FormDialog, SelectField, TextField } from '../../shell/form';
import { Button, ConfirmDialog, StatusMessage, useLoad } from '../../shell/ui';
import { SafetyCheckAlerts } from '../watch/SafetyCheckAlerts';
import { COUNT_KEYS, useMessages } from './messages';

/** Who to follow up, in groups: asked for help; received it but not answered; never reached (no terminal, not delivered). */
type FollowUpGroup = 'need_help' | 'received' | 'undelivered';
const GROUPS: FollowUpGroup[] = ['need_help', 'received', 'undelivered'];
const groupOf = (h: FollowUpHousehold): FollowUpGroup =>
  h.state === 'need_help' ? 'need_help' : h.delivered ? 'received' : 'undelivered';

export function Detail({
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
  const [group, setGroup] = useState<FollowUpGroup | 'all'>('all');
  const followUps = useLoad(
    () =>
      api
        .call('GET /api/announcements/:id/follow-ups', { params: { id: a.id }, query: { sort } })
        .then((r) => r.households),
    [a.id, sort],
  );
  const [confirm, setConfirm] = useState<'cancel' | 'approve' | null>(null);
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  useStaffEvent('announcement:receiptsChanged', (p) => {
    if (p.announcementId === a.id) followUps.reload();
  });
  const districtName = (id: number) => {
    const d = districts.find((x) => x.id === id);
    return d ? (i18n.language === 'en' ? d.nameEn : d.name) : String(id);
  };
  const open = a.status !== 'cancelled' && a.status !== 'expired';
  const change = a.pendingChange;
  // The two-person rule: whoever wrote the content as it stands cannot approve it.
  const canApprove = (a.status === 'pending_approval' || change !== null) && (a.revisedBy ?? a.createdBy) !== meId;
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
      {a.capSignature ? (
        <p
          className={a.capSignature.state === 'verified' ? 'message' : 'message message-warn'}
          data-testid="announcement-signature"
          data-state={a.capSignature.state}
        >
          {t(`ann.signature.${a.capSignature.state}`, { by: a.capSignature.signedBy ?? '' })}
        </p>
      ) : null}
      {a.status === 'pending_approval' && a.revisedBy ? (
        <p className="message message-warn" data-testid="announcement-reapproval">
          {t('ann.reapprovalNeeded')}
        </p>
      ) : null}
      {change ? (
        <div className="message message-warn" data-testid="announcement-pending-change">
          <h3>{t('ann.changeWaitingTitle')}</h3>
          <p>{t('ann.changeWaiting')}</p>
          {change.titleJa !== undefined ? <p className="strong">{change.titleJa}</p> : null}
          {change.bodyJa !== undefined ? <p>{change.bodyJa}</p> : null}
          {change.widens ? <p>{t('ann.changeWidens')}</p> : null}
        </div>
      ) : null}
      <StatusMessage testId="announcement-note">{note}</StatusMessage>
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
        {canApprove ? (
          <Button look="danger" onClick={() => setConfirm('approve')} testId="announcement-approve">
            {change ? t('ann.approveChange') : t('ann.approve')}
          </Button>
        ) : null}
        {open ? (
          <>
            <Button onClick={() => setEditing(true)} testId="announcement-edit">
              {t('ann.edit')}
            </Button>
            <Button look="danger-outline" onClick={() => setConfirm('cancel')} testId="announcement-cancel">
              {t('ann.cancel')}
            </Button>
          </>
        ) : null}
        <a
          className="button"
          href={api.link('GET /api/announcements/:id/follow-ups.csv', { params: { id: a.id }, query: { sort } })}
          download
          data-testid="announcement-csv"
        >
          {t('ann.csv')}
        </a>
        <a
          className="button button-quiet"
          href={api.link('GET /api/announcements/:id/cap', { params: { id: a.id } })}
          target="_blank"
          rel="noreferrer"
        >
          {t('ann.capXml')}
        </a>
      </div>
      {a.safetyCheck ? <SafetyCheckAlerts announcementId={a.id} /> : null}
      <h3>{t('ann.followUps')}</h3>
      <SelectField
        label={t('ann.sort')}
        value={sort}
        onChange={setSort}
        data-testid="followups-sort"
        options={[
          { value: 'district', label: t('ann.sortDistrict') },
          { value: 'needsAssistance', label: t('ann.sortAssistance') },
        ]}
      />
      {followUps.data ? (
        <dl className="ann-counts" data-testid="followup-groups">
          {GROUPS.map((g) => (
            <div key={g}>
              <dt>{t(`ann.groups.${g}`)}</dt>
              <dd data-testid={`followup-count-${g}`}>{followUps.data?.filter((h) => groupOf(h) === g).length}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <SelectField
        label={t('ann.groupShow')}
        value={group}
        onChange={setGroup}
        data-testid="followups-group"
        options={(['all', ...GROUPS] as const).map((g) => ({ value: g, label: t(`ann.groups.${g}`) }))}
      />
      <DataTable
        state={followUps}
        caption={t('ann.followUps')}
        testId="followups-table"
        compact
        empty={t('ann.followUpsEmpty')}
        rows={(followUps.data ?? []).filter((h) => group === 'all' || groupOf(h) === group)}
        rowKey={(h) => h.householdId}
        rowData={(h) => ({ 'data-testid': 'followup-row', 'data-state': h.state, 'data-group': groupOf(h) })}
        columns={[
          {
            header: t('ann.colState'),
            cell: (h) => (
              <>
                <span className={h.state === 'need_help' ? 'tag tag-warn' : 'tag'}>
                  {h.state === 'need_help'
                    ? t('ann.stateNeedHelp')
                    : h.delivered
                      ? t('ann.receivedNotAnswered')
                      : t('ann.stateNotAnswered')}
                </span>
                {h.delivered ? null : (
                  <span className="cell-sub">{h.hasTerminal ? t('ann.notDelivered') : t('ann.noTerminal')}</span>
                )}
              </>
            ),
          },
          { header: t('ann.colHousehold'), rowHeader: true, cell: (h) => h.name },
          { header: t('ann.colAddress'), cell: (h) => h.address },
          {
            header: t('ann.colPhone'),
            className: 'nowrap',
            cell: (h) => (h.phone ? <a href={`tel:${h.phone}`}>{h.phone}</a> : ''),
          },
          { header: t('ann.colDistrict'), cell: (h) => h.districtName || districtName(h.districtId) },
          { header: t('ann.colAssistance'), cell: (h) => (h.needsAssistance ? t('ann.yes') : '') },
        ]}
      />
      {confirm ? (
        <ConfirmDialog
          title={
            confirm === 'cancel' ? t('ann.cancelTitle') : change ? t('ann.approveChangeTitle') : t('ann.approveTitle')
          }
          body={confirm === 'cancel' ? t('ann.cancelBody') : change ? t('ann.approveChangeBody') : t('ann.approveBody')}
          confirmLabel={confirm === 'cancel' ? t('ann.cancel') : change ? t('ann.approveChange') : t('ann.approve')}
          onCancel={() => setConfirm(null)}
          onConfirm={async () => {
            const route =
              confirm === 'cancel' ? 'POST /api/announcements/:id/cancel' : 'POST /api/announcements/:id/approve';
            onUpdated(await api.call(route, { params: { id: a.id } }));
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
            setNote(x.pendingChange || (x.status === 'pending_approval' && x.revisedBy) ? t('ann.editHeld') : null);
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
  return (
    <FormDialog
      title={t('ann.editTitle')}
      onClose={onClose}
      testId="edit-dialog"
      submitLabel={t('ann.editSave')}
      onSubmit={async () =>
        onSaved(await api.call('PATCH /api/announcements/:id', { params: { id: a.id }, body: { titleJa, bodyJa } }))
      }
    >
      <TextField label={t('ann.titleJa')} required maxLength={200} value={titleJa} onChange={setTitleJa} />
      <TextField label={t('ann.bodyJa')} required maxLength={4000} rows={4} value={bodyJa} onChange={setBodyJa} />
    </FormDialog>
  );
}
