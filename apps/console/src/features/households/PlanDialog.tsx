/**
 * A household's check-in plan, edited with a preview of the day it makes: when the window opens,
 * the reminders on the terminal, the deadline, and who is told when (the hub's ladder: level-1
 * watchers after the grace period, then levels 2 and 3 when nobody answers).
 */
import { ACTIVITY_KINDS, type ActivityKind, CheckinPlanBody, type Household, type Watcher } from '@tsunagu/protocol';
import { useState } from 'react';
import { useSession } from '../../session';
import { CheckField, NumberField, TextField } from '../../shell/form';
import { Button, ErrorMessage, FormActions, LoadState, Modal, StatusMessage, useAction, useLoad } from '../../shell/ui';
import { useHouseholdMessages } from './messages';
import { PlanTestPanel } from './PlanTestPanel';

const WEEK = [0, 1, 2, 3, 4, 5, 6] as const;
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export interface TimelineStep {
  /** Minutes from midnight of the check-in day (1440 and more: the next day). */
  at: number;
  kind: 'opens' | 'reminder' | 'deadline' | 'level';
  minutes?: number;
  level?: 1 | 2;
}

/** The steps of one check-in day of `plan`, in time order (the hub's rules: see docs/watch.md). */
export function planTimeline(plan: CheckinPlanBody): TimelineStep[] {
  const opens = toMinutes(plan.opensAt);
  let deadline = toMinutes(plan.deadline);
  // A deadline at or before the opening falls on the next day (a plan across midnight).
  if (deadline <= opens) deadline += 1440;
  const reminders = [...plan.reminderMinutes]
    .filter((m) => deadline - m > opens)
    .sort((a, b) => b - a)
    .map((m): TimelineStep => ({ at: deadline - m, kind: 'reminder', minutes: m }));
  const first = deadline + plan.graceMinutes;
  return [
    { at: opens, kind: 'opens' },
    ...reminders,
    { at: deadline, kind: 'deadline' },
    { at: first, kind: 'level', level: 1 },
    { at: first + plan.ackTimeoutMinutes, kind: 'level', level: 2 },
  ];
}

const clock = (m: number) =>
  `${String(Math.floor((m % 1440) / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

export function PlanDialog(props: { household: Household; onClose(): void; onSaved(message: string): void }) {
  const t = useHouseholdMessages();
  const { api } = useSession();
  const { household } = props;
  const state = useLoad(async () => {
    const [plan, watchers] = await Promise.all([
      api.call('GET /api/watch/plans/:householdId', { params: { householdId: household.id } }),
      api.call('GET /api/watchers'),
    ]);
    return { plan, watchers: watchers.watchers };
  }, [household.id]);
  return (
    <Modal
      title={t('household.plan.title', { name: household.name })}
      onClose={props.onClose}
      testId="plan-dialog"
      hideFooter
    >
      <LoadState state={state}>
        {state.data ? (
          <PlanForm
            household={household}
            initial={state.data.plan}
            isDefault={state.data.plan.isDefault}
            watchers={state.data.watchers}
            onClose={props.onClose}
            onSaved={props.onSaved}
          />
        ) : null}
      </LoadState>
      <PlanTestPanel household={household} />
    </Modal>
  );
}

function PlanForm(props: {
  household: Household;
  initial: CheckinPlanBody;
  isDefault: boolean;
  watchers: readonly Watcher[];
  onClose(): void;
  onSaved(message: string): void;
}) {
  const t = useHouseholdMessages();
  const { api } = useSession();
  const { busy, error, setError, run } = useAction();
  const i = props.initial;
  const [plan, setPlan] = useState<CheckinPlanBody>({
    enabled: i.enabled,
    opensAt: i.opensAt,
    deadline: i.deadline,
    days: i.days,
    reminderMinutes: i.reminderMinutes,
    graceMinutes: i.graceMinutes,
    ackTimeoutMinutes: i.ackTimeoutMinutes,
    signsOfLife: i.signsOfLife,
    offlineAlertMinutes: i.offlineAlertMinutes,
  });
  const [reminders, setReminders] = useState(i.reminderMinutes.join(', '));
  const set = <K extends keyof CheckinPlanBody>(key: K, value: CheckinPlanBody[K]) =>
    setPlan((p) => ({ ...p, [key]: value }));
  const toggle = <V,>(list: readonly V[], v: V, on: boolean) => (on ? [...list, v] : list.filter((x) => x !== v));

  const parsedReminders =
    reminders.trim() === ''
      ? []
      : reminders
          .split(/[,、，\s]+/)
          .filter(Boolean)
          .map(Number);
  const remindersOk =
    parsedReminders.length <= 4 &&
    parsedReminders.every((m) => Number.isInteger(m) && m >= 1 && m <= 720) &&
    new Set(parsedReminders).size === parsedReminders.length;
  const shown = { ...plan, reminderMinutes: remindersOk ? parsedReminders : [] };

  const names = (level: 1 | 2) =>
    props.watchers
      .filter((w) => {
        const l = w.households.find((h) => h.householdId === props.household.id)?.level;
        return l !== undefined && (level === 1 ? l === 1 : l >= 2);
      })
      .map((w) => w.displayName)
      .join('、');
  const today = new Date().getDay();
  const sampleDay = plan.days.includes(today) ? today : (plan.days[0] ?? today);

  const save = () =>
    run(async () => {
      if (!remindersOk) throw t('household.plan.badReminders');
      await api.call('PUT /api/watch/plans/:householdId', {
        params: { householdId: props.household.id },
        body: shown,
      });
      props.onSaved(t('household.plan.saved', { name: props.household.name }));
    });
  const reset = () =>
    run(async () => {
      await api.call('DELETE /api/watch/plans/:householdId', { params: { householdId: props.household.id } });
      props.onSaved(t('household.plan.resetDone', { name: props.household.name }));
    });

  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        void save();
      }}
    >
      {props.isDefault ? <StatusMessage testId="plan-default">{t('household.plan.isDefault')}</StatusMessage> : null}
      <CheckField
        label={t('household.plan.enabled')}
        checked={plan.enabled}
        onChange={(v) => set('enabled', v)}
        testId="plan-enabled"
      />
      <div className="toolbar">
        {TIME_FIELDS.map(([key, testId]) => (
          <TextField
            key={key}
            label={t(`household.plan.${key}`)}
            type="time"
            value={plan[key]}
            onChange={(v) => set(key, v)}
            required
            data-testid={testId}
          />
        ))}
      </div>
      <fieldset className="plan-choices">
        <legend>{t('household.plan.days')}</legend>
        {WEEK.map((d) => (
          <CheckField
            key={d}
            label={(t('household.plan.weekdays', { returnObjects: true }) as string[])[d]}
            checked={plan.days.includes(d)}
            onChange={(on) => set('days', toggle(plan.days, d, on).sort())}
            testId={`plan-day-${d}`}
          />
        ))}
      </fieldset>
      <TextField
        label={t('household.plan.reminders')}
        hint={t('household.plan.remindersHint')}
        value={reminders}
        onChange={setReminders}
        data-testid="plan-reminders"
      />
      <div className="toolbar">
        {MINUTE_FIELDS.map(([key, label, testId]) => (
          <NumberField
            key={key}
            label={t(`household.plan.${label}`)}
            value={plan[key]}
            schema={CheckinPlanBody.properties[key]}
            onChange={(v) => set(key, v)}
            data-testid={testId}
          />
        ))}
      </div>
      <fieldset className="plan-choices">
        <legend>{t('household.plan.signs')}</legend>
        {ACTIVITY_KINDS.map((k: ActivityKind) => (
          <CheckField
            key={k}
            label={t(`household.plan.signKinds.${k}`)}
            checked={plan.signsOfLife.includes(k)}
            onChange={(on) => set('signsOfLife', toggle(plan.signsOfLife, k, on))}
            testId={`plan-sign-${k}`}
          />
        ))}
      </fieldset>
      <section aria-labelledby="plan-preview-title" className="plan-preview">
        <h3 id="plan-preview-title">
          {t('household.plan.preview', {
            day: (t('household.plan.weekdays', { returnObjects: true }) as string[])[sampleDay],
          })}
        </h3>
        {!plan.enabled ? (
          <p>{t('household.plan.steps.disabled')}</p>
        ) : plan.days.length === 0 ? (
          <p>{t('household.plan.steps.offDay')}</p>
        ) : (
          <ol className="timeline" data-testid="plan-timeline">
            {planTimeline(shown).map((s) => (
              <li key={`${s.kind}-${s.at}-${s.level ?? s.minutes ?? ''}`} data-testid="plan-step" data-kind={s.kind}>
                <span className="timeline-time">
                  {s.at >= 1440 ? t('household.plan.nextDay', { time: clock(s.at) }) : clock(s.at)}
                </span>
                <span>
                  {s.kind === 'level'
                    ? names(s.level!)
                      ? t('household.plan.steps.level', { level: s.level, names: names(s.level!) })
                      : t('household.plan.steps.levelNone', { level: s.level })
                    : t(`household.plan.steps.${s.kind}`, { minutes: s.minutes })}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
      <ErrorMessage error={error} testId="plan-error" />
      {props.isDefault ? null : (
        <Button onClick={() => void reset()} disabled={busy} testId="plan-reset">
          {t('household.plan.reset')}
        </Button>
      )}
      <FormActions onCancel={props.onClose} submitLabel={t('household.plan.save')} busy={busy} testId="plan-save" />
    </form>
  );
}

/** The plan's times of day: key (also its label's), test id. */
const TIME_FIELDS = [
  ['opensAt', 'plan-opens'],
  ['deadline', 'plan-deadline'],
] as const;

/** The plan's settings in minutes: key, label, test id (their bounds are the protocol's). */
const MINUTE_FIELDS = [
  ['graceMinutes', 'grace', 'plan-grace'],
  ['ackTimeoutMinutes', 'ackTimeout', 'plan-ack'],
  ['offlineAlertMinutes', 'offline', 'plan-offline'],
] as const;
