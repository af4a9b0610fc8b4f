/** On the calls page: planned calls of this listener's line that are due now, rung with one click. */
import { useStaffEvent, useStaffReconnect } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { Button, ErrorMessage, useAction, useLoad } from '../../shell/ui';
import { consoleCalls } from './controller';
import { talkError, useTalkMessages } from './messages';

export function DueCalls({ busy }: { busy: boolean }) {
  const { t, language } = useTalkMessages();
  const { api } = useSession();
  const plans = useLoad(() => api.call('GET /api/calls/schedules'), []);
  const ring = useAction();
  useStaffEvent('call:scheduledCallChanged', plans.reload);
  useStaffReconnect(plans.reload);
  const due = plans.data?.due ?? [];
  if (due.length === 0) return null;
  return (
    <section aria-labelledby="due-calls-title" className="ringing" data-testid="due-calls">
      <h2 id="due-calls-title">{t('talk.due.title')}</h2>
      <ul>
        {due.map((d) => (
          <li key={d.id} data-testid={`due-call-${d.id}`}>
            {t('talk.due.item', { household: d.householdName, time: formatDateTime(d.dueAt, language) })}
            {d.note ? <span className="cell-sub">{d.note}</span> : null}{' '}
            <Button
              look="primary"
              disabled={busy || ring.busy}
              onClick={() => void ring.run(() => consoleCalls.ringScheduled(d.id))}
              testId={`ring-scheduled-${d.id}`}
            >
              {t('talk.due.ring')}
            </Button>
          </li>
        ))}
      </ul>
      <ErrorMessage error={talkError(t, ring.error)} testId="due-call-error" />
    </section>
  );
}
