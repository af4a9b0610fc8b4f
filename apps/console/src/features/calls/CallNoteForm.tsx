/**
 * After a call: the operator or listener writes how the resident seemed and may tell the watchers
 * (worried / please visit / urgent), which opens a watch alert for the household's watchers.
 */
import type { CallInfo, ConcernLevel } from '@tsunagu/protocol';
import { useState } from 'react';
import { useSession } from '../../session';
import { RadioGroup, TextField } from '../../shell/form';
import { Button, ErrorMessage, StatusMessage, useAction } from '../../shell/ui';
import { talkError, useTalkMessages } from './messages';

type Choice = ConcernLevel | 'none';
const CHOICES: Choice[] = ['none', 'worried', 'visit', 'urgent'];

export function CallNoteForm({ call, onDone }: { call: CallInfo; onDone(): void }) {
  const { t } = useTalkMessages();
  const { api } = useSession();
  const [note, setNote] = useState('');
  const [concern, setConcern] = useState<Choice>('none');
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();

  if (saved)
    return (
      <section aria-labelledby="call-note-title" data-testid="call-note-saved">
        <h2 id="call-note-title">{t('talk.note.title', { household: call.householdName })}</h2>
        <StatusMessage>{saved}</StatusMessage>
      </section>
    );

  const submit = () => {
    if (note.trim() === '') {
      setError(t('talk.note.empty'));
      return;
    }
    void run(async () => {
      await api.call('POST /api/calls/:id/note', {
        params: { id: call.callId },
        body: { note, concern: concern === 'none' ? null : concern },
      });
      setSaved(concern === 'none' ? t('talk.note.saved') : t('talk.note.savedConcern'));
    });
  };
  return (
    <section aria-labelledby="call-note-title" className="call-note" data-testid="call-note">
      <h2 id="call-note-title">{t('talk.note.title', { household: call.householdName })}</h2>
      <p className="hint">{t('talk.note.intro')}</p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <TextField
          label={t('talk.note.text')}
          hint={t('talk.note.textHint')}
          value={note}
          onChange={(v) => {
            setNote(v);
            setError(null);
          }}
          rows={3}
          maxLength={1000}
          data-testid="call-note-text"
        />
        <RadioGroup
          legend={t('talk.note.concern')}
          name="call-note-concern"
          value={concern}
          onChange={setConcern}
          options={CHOICES.map((c) => ({ value: c, label: t(`talk.note.concerns.${c}`) }))}
          testId="call-note-concern"
        />
        <ErrorMessage error={typeof error === 'string' ? error : talkError(t, error)} testId="call-note-error" />
        <div className="modal-actions">
          <Button onClick={onDone} testId="call-note-skip">
            {t('talk.note.skip')}
          </Button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="call-note-save">
            {t('talk.note.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
