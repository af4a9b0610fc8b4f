/**
 * What people who spoke with or saw the resident noted (issue 16): the note behind a concern alert,
 * and a household's call notes beside its history. Watchers and city hall only.
 */
import type { WatchAlert } from '@tsunagu/protocol';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { LoadState, useLoad } from '../../shell/ui';
import { useTalkMessages } from '../calls/messages';

/** The words of whoever raised a concern, with how urgent they thought it was. */
export function AlertNote({ alert }: { alert: WatchAlert }) {
  const { t } = useTalkMessages();
  const opened = alert.events.find((e) => e.type === 'opened')?.detail ?? {};
  const note = typeof opened.note === 'string' ? opened.note : '';
  if (alert.kind !== 'concern' || note === '') return null;
  const urgency = typeof opened.urgency === 'string' ? opened.urgency : null;
  const source = typeof opened.source === 'string' ? opened.source : '';
  return (
    <p className="watch-alert-note" data-testid={`watch-alert-note-${alert.id}`}>
      <strong>
        {source.startsWith('call:') ? t('talk.notes.fromCall') : t('talk.notes.fromDelivery')}
        {urgency ? `（${t(`talk.note.concerns.${urgency}`)}）` : ''}
      </strong>{' '}
      「{note}」
    </p>
  );
}

export function CallNotes({ householdId }: { householdId: number }) {
  const { t, language } = useTalkMessages();
  const { api } = useSession();
  const notes = useLoad(
    () => api.call('GET /api/watch/households/:householdId/call-notes', { params: { householdId } }),
    [householdId],
  );
  return (
    <section aria-labelledby="watch-call-notes-heading" data-testid="watch-call-notes">
      <h3 id="watch-call-notes-heading">{t('talk.notes.title')}</h3>
      <LoadState state={notes}>
        {notes.data?.notes.length === 0 ? <p className="hint">{t('talk.notes.none')}</p> : null}
        <ul>
          {notes.data?.notes.map((n) => (
            <li key={n.id} data-testid={`call-note-${n.id}`}>
              <span className="nowrap">{formatDateTime(n.writtenAt, language)}</span>{' '}
              {t('talk.notes.by', { shop: n.shopName, author: n.authorName })}
              {n.concern ? <span className="tag tag-warn">{t(`talk.note.concerns.${n.concern}`)}</span> : null}
              <br />「{n.note}」
            </li>
          ))}
        </ul>
      </LoadState>
    </section>
  );
}
