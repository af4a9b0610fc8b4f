/**
 * "Test this plan now", in the plan editor: city hall starts a shortened ladder on this household
 * and watches it move (terminal reminded, deadline, first and second watcher), live from the hub.
 */
import type { Household, WatchAlert } from '@tsunagu/protocol';
import { useTranslation } from 'react-i18next';
import { useStaffEvent } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { Button, ErrorMessage, StatusMessage, useAction, useLoad } from '../../shell/ui';
import { useHouseholdMessages } from './messages';

const hhmm = (iso: string, language: string) => formatDateTime(iso, language).slice(-5);

function progress(alert: WatchAlert | null): { key: string; by?: string } {
  if (!alert) return { key: 'waiting' };
  if (alert.state !== 'open') return { key: 'acknowledged', by: alert.acknowledgedByName ?? '' };
  return { key: alert.level >= 2 ? 'level2' : alert.level === 1 ? 'level1' : 'reminded' };
}

export function PlanTestPanel({ household }: { household: Household }) {
  const t = useHouseholdMessages();
  const { i18n } = useTranslation();
  const { api } = useSession();
  const { busy, error, run } = useAction();
  const state = useLoad(async () => {
    const { test } = await api.call('GET /api/watch/plans/:householdId/test', {
      params: { householdId: household.id },
    });
    const alert =
      test?.alertId && test.state === 'running'
        ? await api.call('GET /api/watch/alerts/:id', { params: { id: test.alertId } })
        : null;
    return { test, alert };
  }, [household.id]);
  useStaffEvent('watch:planTestChanged', (test) => {
    if (test.householdId === household.id) state.reload();
  });
  useStaffEvent('watch:alertUpdated', (a) => {
    if (a.id === state.data?.test?.alertId) state.reload();
  });
  useStaffEvent('watch:alertRaised', (a) => {
    if (a.id === state.data?.test?.alertId) state.reload();
  });

  const test = state.data?.test ?? null;
  const running = test?.state === 'running';
  const time = (iso: string) => hhmm(iso, i18n.language);
  const now = test && running ? progress(state.data?.alert ?? null) : null;

  const start = () =>
    run(async () => {
      await api.call('POST /api/watch/plans/:householdId/test', { params: { householdId: household.id } });
      state.reload();
    });
  const cancel = () =>
    run(async () => {
      await api.call('DELETE /api/watch/plans/:householdId/test', { params: { householdId: household.id } });
      state.reload();
    });

  return (
    <section aria-labelledby="plan-test-title" className="plan-preview" data-testid="plan-test">
      <h3 id="plan-test-title">{t('household.planTest.title')}</h3>
      <p>{t('household.planTest.about', { step: test?.stepMinutes ?? 1 })}</p>
      {test && running ? (
        <div data-testid="plan-test-running" data-test-id={test.id}>
          <p>
            <span className="tag tag-warn">{t('household.planTest.tag')}</span>{' '}
            {t('household.planTest.running', { by: test.startedBy, time: time(test.startedAt) })}
          </p>
          <ol className="timeline">
            {(
              [
                ['reminder', test.startedAt],
                ['deadline', test.deadline],
                ['level1', test.firstLevelAt],
                ['level2', test.secondLevelAt],
              ] as const
            ).map(([step, at]) => (
              <li key={step} data-testid="plan-test-step">
                <span className="timeline-time">{time(at)}</span>
                <span>{t(`household.planTest.steps.${step}`)}</span>
              </li>
            ))}
          </ol>
          {now ? (
            <p role="status" data-testid="plan-test-now" data-progress={now.key}>
              {t(`household.planTest.now.${now.key}`, { by: now.by })}
            </p>
          ) : null}
          <Button onClick={() => void cancel()} disabled={busy} testId="plan-test-cancel">
            {t('household.planTest.cancel')}
          </Button>
        </div>
      ) : (
        <>
          {test?.endReason ? (
            <StatusMessage testId="plan-test-ended">
              {t(`household.planTest.ended.${test.endReason}`, { time: time(test.startedAt) })}
            </StatusMessage>
          ) : null}
          <Button look="primary" onClick={() => void start()} disabled={busy || state.loading} testId="plan-test-start">
            {t('household.planTest.start')}
          </Button>
        </>
      )}
      <ErrorMessage error={error} testId="plan-test-error" />
    </section>
  );
}
