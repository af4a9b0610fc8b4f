/**
 * A watcher account created by city hall, and the one-time invitation code shown to hand over
 * (the hub keeps only its hash, so this is the only time it can be read).
 */
import type { WatcherInvitation, WatcherKind } from '@tsunagu/protocol';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { FormDialog, SelectField, TextField, useFormFields } from '../../shell/form';
import { Button, Modal } from '../../shell/ui';
import { useWatchersMessages } from './messages';

export const WATCHER_KINDS: readonly WatcherKind[] = ['welfare', 'carenetwork', 'family', 'supervisor'];

export function CreateWatcherDialog(props: { onCreated(invitation: WatcherInvitation): void; onClose(): void }) {
  const t = useWatchersMessages();
  const { api } = useSession();
  const form = useFormFields({ displayName: '', username: '', watcherKind: 'welfare' as WatcherKind });
  const { displayName, username, watcherKind } = form.values;
  return (
    <FormDialog
      title={t('watchers.createTitle')}
      testId="create-watcher-dialog"
      onClose={props.onClose}
      onSubmit={async () =>
        props.onCreated(
          await api.call('POST /api/watchers', {
            body: { displayName: displayName.trim(), username: username.trim(), watcherKind },
          }),
        )
      }
      submitLabel={t('watchers.submit')}
      submitTestId="create-watcher-submit"
      ready={displayName.trim() !== '' && username.trim().length >= 3}
    >
      <TextField label={t('watchers.displayName')} {...form.field('displayName')} required maxLength={120} />
      <TextField
        label={t('watchers.username')}
        hint={t('watchers.usernameHint')}
        {...form.field('username')}
        onChange={(v) => form.set('username', v.toLowerCase())}
        required
        maxLength={64}
        autoCapitalize="none"
        spellCheck={false}
      />
      <SelectField
        label={t('watchers.kind')}
        {...form.field('watcherKind')}
        options={WATCHER_KINDS.map((k) => ({ value: k, label: t(`watcherKinds.${k}`) }))}
      />
    </FormDialog>
  );
}

export function InvitationDialog({ invitation, onClose }: { invitation: WatcherInvitation; onClose(): void }) {
  const t = useWatchersMessages();
  const { i18n } = useTranslation();
  const { watcher, code } = invitation;
  return (
    <Modal
      title={t('watchers.invitationTitle', { name: watcher.displayName })}
      onClose={onClose}
      testId="invitation-dialog"
      actions={<Button onClick={() => window.print()}>{t('watchers.print')}</Button>}
    >
      <p className="code-label">{t('watchers.invitationCode')}</p>
      {/* Read one character at a time by screen readers, shown in three groups for reading aloud. */}
      <p className="enrollment-code" data-testid="invitation-code" data-code={code}>
        {code.split('-').map((group) => (
          <span key={group} aria-hidden="true">
            {group}
          </span>
        ))}
        <span className="visually-hidden">{code.replace(/-/g, '').split('').join(' ')}</span>
      </p>
      <p>{t('watchers.invitationExpires', { at: formatDateTime(invitation.expiresAt, i18n.language) })}</p>
      <p>{t('watchers.invitationHowTo', { username: watcher.username })}</p>
    </Modal>
  );
}
