/**
 * Planned listening calls (予定の電話): "call Mrs Sato every Tuesday at 10:00". Listeners plan for
 * their own line, city hall (the welfare worker) for any; each plan shows its next call and how the
 * last one went. At the time, the call is offered on the calls page (DueCalls).
 */
import type { CallSchedule, ScheduledCall } from '@tsunagu/protocol';
import { useState } from 'react';
import { useStaffEvent } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { DataTable, RowButton } from '../../shell/DataTable';
import { CheckField, FormDialog, SelectField, TextField, useFormFields } from '../../shell/form';
import { Page } from '../../shell/Page';
import { LoadState, StatusMessage, useConfirm, useLoad } from '../../shell/ui';
import { talkError, useTalkMessages } from './messages';

type T = ReturnType<typeof useTalkMessages>['t'];

/** "毎週火・金 10:00" in the reader's language. */
export function planWhen(t: T, weekdays: number[], time: string): string {
  const names = t('talk.plans.days').split(',');
  return t('talk.plans.when', { days: weekdays.map((d) => names[d]).join('・'), time });
}

function usePlanChoices() {
  const { api, user } = useSession();
  return useLoad(async () => {
    if (user.role === 'cityhall') {
      const [h, s] = await Promise.all([api.call('GET /api/households'), api.call('GET /api/shops')]);
      return {
        residents: h.households.map((x) => ({ value: x.id, label: x.name })),
        lines: s.shops.filter((x) => x.kind === 'listening').map((x) => ({ value: x.id, label: x.name })),
      };
    }
    // A listener chooses among the people their line has spoken with.
    const calls = await api.call('GET /api/calls', { query: { limit: 500 } });
    const seen = new Map<number, string>();
    for (const c of calls.calls) if (!seen.has(c.householdId)) seen.set(c.householdId, c.householdName);
    return { residents: [...seen].map(([value, label]) => ({ value, label })), lines: [] };
  }, []);
}

function PlanDialog(props: { plan: CallSchedule | null; onClose(): void; onSaved(): void }) {
  const { t } = useTalkMessages();
  const { api } = useSession();
  const choices = usePlanChoices();
  const { plan } = props;
  const form = useFormFields({
    householdId: plan?.householdId ?? 0,
    shopId: plan?.shopId ?? 0,
    weekdays: plan?.weekdays ?? [],
    time: plan?.time ?? '10:00',
    note: plan?.note ?? '',
  });
  const { householdId, shopId, weekdays, time, note } = form.values;
  const names = t('talk.plans.days').split(',');
  const residents = choices.data?.residents ?? [];
  const lines = choices.data?.lines ?? [];
  const resident = householdId || residents[0]?.value || 0;
  const line = shopId || lines[0]?.value || 0;

  async function save() {
    if (weekdays.length === 0) throw t('talk.plans.noWeekday');
    const days = [...weekdays].sort();
    try {
      if (plan)
        await api.call('PUT /api/calls/schedules/:id', {
          params: { id: plan.id },
          body: { weekdays: days, time, note },
        });
      else
        await api.call('POST /api/calls/schedules', {
          body: { householdId: resident, ...(line ? { shopId: line } : {}), weekdays: days, time, note },
        });
    } catch (err) {
      throw talkError(t, err);
    }
    props.onSaved();
  }
  return (
    <FormDialog
      title={plan ? t('talk.plans.editTitle', { household: plan.householdName }) : t('talk.plans.addTitle')}
      testId="call-plan-dialog"
      onClose={props.onClose}
      onSubmit={save}
      submitLabel={t('talk.plans.save')}
      submitTestId="call-plan-save"
      ready={plan !== null || resident !== 0}
    >
      {plan ? null : (
        <LoadState state={choices}>
          {residents.length === 0 ? (
            <p className="hint">{t('talk.plans.noResidents')}</p>
          ) : (
            <SelectField
              label={t('talk.plans.resident')}
              hint={t('talk.plans.residentHint')}
              value={resident}
              onChange={(id) => form.set('householdId', id)}
              options={residents}
              data-testid="call-plan-resident"
            />
          )}
          {lines.length > 1 ? (
            <SelectField
              label={t('talk.plans.line')}
              value={line}
              onChange={(id) => form.set('shopId', id)}
              options={lines}
            />
          ) : null}
        </LoadState>
      )}
      <fieldset>
        <legend>{t('talk.plans.weekdays')}</legend>
        {names.map((name, d) => (
          <CheckField
            key={name}
            label={name}
            checked={weekdays.includes(d)}
            onChange={(on) => form.set('weekdays', on ? [...weekdays, d] : weekdays.filter((x) => x !== d))}
            testId={`call-plan-day-${d}`}
          />
        ))}
      </fieldset>
      <TextField
        label={t('talk.plans.time')}
        type="time"
        {...form.field('time')}
        required
        data-testid="call-plan-time"
      />
      <TextField
        label={t('talk.plans.note')}
        hint={t('talk.plans.noteHint')}
        {...form.field('note')}
        maxLength={200}
        data-testid="call-plan-note"
      />
    </FormDialog>
  );
}

/** How the last planned call went, in words. */
function lastText(t: T, language: string, last: ScheduledCall | null): string {
  if (!last) return '';
  return `${t('talk.plans.last')} ${formatDateTime(last.dueAt, language)} ${t(`talk.plans.states.${last.state}`)}`;
}

export function CallPlansPage() {
  const { t, language } = useTalkMessages();
  const { api } = useSession();
  const plans = useLoad(() => api.call('GET /api/calls/schedules'), []);
  const [editing, setEditing] = useState<CallSchedule | 'new' | null>(null);
  const confirm = useConfirm();
  const [status, setStatus] = useState<string | null>(null);
  useStaffEvent('call:scheduledCallChanged', plans.reload);

  const done = (message: string) => {
    setEditing(null);
    setStatus(message);
    plans.reload();
  };
  return (
    <Page
      id="call-plans"
      title={t('talk.plans.title')}
      testId="call-plans-page"
      intro={t('talk.plans.intro')}
      actions={[
        { label: t('talk.plans.add'), onClick: () => setEditing('new'), testId: 'call-plan-add', primary: true },
      ]}
    >
      <StatusMessage testId="call-plans-status">{status}</StatusMessage>
      <LoadState state={plans}>
        {plans.data?.schedules.length === 0 ? <p className="hint">{t('talk.plans.none')}</p> : null}
        <DataTable
          caption={t('talk.plans.title')}
          testId="call-plans"
          rows={plans.data?.schedules ?? []}
          rowData={(p) => ({ 'data-testid': `call-plan-${p.id}` })}
          columns={[
            { header: t('talk.plans.resident'), rowHeader: true, cell: (p) => p.householdName },
            {
              header: t('talk.plans.weekdays'),
              cell: (p) => (
                <>
                  {planWhen(t, p.weekdays, p.time)}
                  {p.nextAt ? (
                    <span className="cell-sub">
                      {t('talk.plans.next', { time: formatDateTime(p.nextAt, language) })}
                    </span>
                  ) : null}
                </>
              ),
            },
            { header: t('talk.plans.note'), cell: (p) => p.note },
            { header: t('talk.plans.last'), cell: (p) => lastText(t, language, p.last) },
            {
              header: t('talk.plans.edit'),
              cell: (p) => (
                <>
                  <RowButton label={t('talk.plans.edit')} name={p.householdName} onClick={() => setEditing(p)} />{' '}
                  <RowButton
                    label={t('talk.plans.remove')}
                    name={p.householdName}
                    danger
                    onClick={() =>
                      confirm.ask({
                        title: t('talk.plans.removeTitle'),
                        body: t('talk.plans.removeBody', {
                          household: p.householdName,
                          when: planWhen(t, p.weekdays, p.time),
                        }),
                        confirmLabel: t('talk.plans.remove'),
                        run: async () => {
                          await api.call('DELETE /api/calls/schedules/:id', { params: { id: p.id } });
                          done(t('talk.plans.removed'));
                        },
                      })
                    }
                  />
                </>
              ),
            },
          ]}
        />
      </LoadState>
      {editing ? (
        <PlanDialog
          plan={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => done(t('talk.plans.saved'))}
        />
      ) : null}
      {confirm.dialog}
    </Page>
  );
}
