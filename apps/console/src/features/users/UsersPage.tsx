/** Administrators: staff accounts — list, create, disable/enable, reset a password or two-factor sign-in. */
import type { CreateUserBody, Shop, StaffRole, User, WatcherKind } from '@tsunagu/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session';
import { DataTable, RowButton } from '../../shell/DataTable';
import { FormDialog, RoleField, SelectField, TextField } from '../../shell/form';
import { Page } from '../../shell/Page';
import { ConfirmDialog, ErrorMessage, LoadState, StatusMessage, useAction, useLoad } from '../../shell/ui';

const WATCHER_KINDS: readonly WatcherKind[] = ['welfare', 'carenetwork', 'family', 'supervisor'];

export function UsersPage() {
  const { t } = useTranslation();
  const { api, user: me } = useSession();
  const state = useLoad(async () => {
    const [u, s] = await Promise.all([api.call('GET /api/users'), api.call('GET /api/shops')]);
    return { users: u.users, shops: s.shops };
  }, []);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [disabling, setDisabling] = useState<User | null>(null);
  const [resettingTwoFactor, setResettingTwoFactor] = useState<User | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const action = useAction();

  const replace = (updated: User) =>
    state.set((d) => d && { ...d, users: d.users.map((u) => (u.id === updated.id ? updated : u)) });

  const setDisabled = async (user: User, disabled: boolean) => {
    const updated = await api.call('PATCH /api/users/:id', { params: { id: user.id }, body: { disabled } });
    replace(updated);
    setStatus(t(disabled ? 'users.disabledDone' : 'users.enabledDone', { username: user.username }));
  };

  const shopName = (id: number | null) =>
    id === null ? '' : (state.data?.shops.find((s) => s.id === id)?.name ?? String(id));

  return (
    <Page
      id="users"
      title={t('users.title')}
      actions={[{ label: t('users.create'), onClick: () => setCreating(true), testId: 'create-user', primary: true }]}
    >
      <StatusMessage testId="users-status">{status}</StatusMessage>
      <ErrorMessage error={action.error} />
      <LoadState state={state}>
        <DataTable
          caption={t('users.title')}
          testId="users-table"
          rows={state.data?.users ?? []}
          rowKey={(u) => u.id}
          rowData={(u) => ({ 'data-testid': 'user-row', 'data-username': u.username })}
          columns={[
            {
              header: t('users.colUsername'),
              rowHeader: true,
              className: 'mono',
              cell: (u) => (
                <>
                  {u.username}
                  {u.id === me.id ? <span className="cell-sub">{t('users.you')}</span> : null}
                </>
              ),
            },
            { header: t('users.colName'), cell: (u) => u.displayName },
            {
              header: t('users.colRole'),
              cell: (u) => (
                <>
                  {t(`roles.${u.role}`)}
                  {u.admin ? <span className="tag">{t('roles.admin')}</span> : null}
                  {u.watcherKind ? <span className="cell-sub">{t(`watcherKinds.${u.watcherKind}`)}</span> : null}
                </>
              ),
            },
            { header: t('users.colShop'), cell: (u) => shopName(u.shopId) },
            {
              header: t('users.colStatus'),
              cell: (u) => (
                <>
                  {u.disabled ? <span className="state state-revoked">{t('users.disabled')}</span> : t('users.active')}
                  <span className="cell-sub" data-testid="user-two-factor">
                    {t(u.twoFactorEnabled ? 'users.twoFactorOn' : 'users.twoFactorOff')}
                  </span>
                </>
              ),
            },
            {
              header: t('users.colActions'),
              className: 'actions',
              cell: (u) => (
                <>
                  {u.id === me.id ? null : u.disabled ? (
                    <RowButton
                      label={t('users.enable')}
                      name={u.username}
                      onClick={() => void action.run(() => setDisabled(u, false))}
                    />
                  ) : (
                    <RowButton
                      label={t('users.disable')}
                      name={u.username}
                      danger
                      onClick={() => setDisabling(u)}
                      testId="disable-user"
                    />
                  )}
                  <RowButton
                    label={t('users.resetPassword')}
                    name={u.username}
                    onClick={() => setResetting(u)}
                    testId="reset-password"
                  />
                  {u.twoFactorEnabled && u.id !== me.id ? (
                    <RowButton
                      label={t('users.resetTwoFactor')}
                      name={u.username}
                      onClick={() => setResettingTwoFactor(u)}
                      testId="reset-two-factor"
                    />
                  ) : null}
                </>
              ),
            },
          ]}
        />
      </LoadState>
      {creating ? (
        <CreateUserDialog
          shops={state.data?.shops ?? []}
          onClose={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            state.set((d) => d && { ...d, users: [...d.users, u] });
            setStatus(t('users.created', { username: u.username }));
          }}
        />
      ) : null}
      {resetting ? (
        <ResetPasswordDialog
          user={resetting}
          onClose={() => setResetting(null)}
          onDone={() => {
            setStatus(t('users.resetDone', { username: resetting.username }));
            setResetting(null);
          }}
        />
      ) : null}
      {resettingTwoFactor ? (
        <ConfirmDialog
          title={t('users.confirmResetTwoFactorTitle')}
          body={t('users.confirmResetTwoFactorBody', { username: resettingTwoFactor.username })}
          confirmLabel={t('users.resetTwoFactor')}
          onCancel={() => setResettingTwoFactor(null)}
          onConfirm={async () => {
            await api.call('POST /api/users/:id/two-factor/reset', { params: { id: resettingTwoFactor.id } });
            replace({ ...resettingTwoFactor, twoFactorEnabled: false });
            setStatus(t('users.resetTwoFactorDone', { username: resettingTwoFactor.username }));
            setResettingTwoFactor(null);
          }}
        />
      ) : null}
      {disabling ? (
        <ConfirmDialog
          title={t('users.confirmDisableTitle')}
          body={t('users.confirmDisableBody', { username: disabling.username })}
          confirmLabel={t('users.disable')}
          onCancel={() => setDisabling(null)}
          onConfirm={async () => {
            await setDisabled(disabling, true);
            setDisabling(null);
          }}
        />
      ) : null}
    </Page>
  );
}

function CreateUserDialog(props: { shops: Shop[]; onClose(): void; onCreated(user: User): void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<StaffRole>('operator');
  const [admin, setAdmin] = useState(false);
  // '' until a shop is chosen, so a required choice is enforced by the form.
  const [shopId, setShopId] = useState<number | ''>('');
  const [watcherKind, setWatcherKind] = useState<WatcherKind>('welfare');

  const submit = async () => {
    const body: CreateUserBody = { username: username.trim(), displayName: displayName.trim(), password, role };
    if (role === 'cityhall' && admin) body.admin = true;
    if ((role === 'operator' || role === 'listener') && shopId !== '') body.shopId = shopId;
    if (role === 'watcher') body.watcherKind = watcherKind;
    props.onCreated(await api.call('POST /api/users', { body }));
  };

  return (
    <FormDialog
      title={t('users.create')}
      onClose={props.onClose}
      testId="create-user-dialog"
      onSubmit={submit}
      submitLabel={t('common.create')}
      submitTestId="create-user-submit"
      errorTestId="create-user-error"
    >
      <TextField
        label={t('users.fieldUsername')}
        hint={t('users.usernameHint')}
        name="username"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        required
        minLength={3}
        maxLength={64}
        pattern="[a-z0-9][a-z0-9._\-]*"
        value={username}
        onChange={setUsername}
      />
      <TextField
        label={t('users.fieldDisplayName')}
        name="displayName"
        required
        maxLength={120}
        value={displayName}
        onChange={setDisplayName}
      />
      <NewPasswordField label={t('users.fieldPassword')} value={password} onChange={setPassword} />
      <RoleField label={t('users.fieldRole')} value={role} onChange={setRole} />
      {role === 'cityhall' ? (
        <label className="check">
          <input type="checkbox" name="admin" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />
          {t('users.fieldAdmin')}
        </label>
      ) : null}
      {role === 'operator' || role === 'listener' ? (
        <SelectField
          label={t('users.fieldShop')}
          name="shopId"
          required={role === 'operator'}
          value={shopId}
          onChange={setShopId}
          options={[
            { value: '', label: role === 'operator' ? t('users.chooseShop') : t('common.none') },
            ...props.shops.map((s) => ({ value: s.id, label: s.name })),
          ]}
        />
      ) : null}
      {role === 'watcher' ? (
        <SelectField
          label={t('users.fieldWatcherKind')}
          name="watcherKind"
          value={watcherKind}
          onChange={setWatcherKind}
          options={WATCHER_KINDS.map((k) => ({ value: k, label: t(`watcherKinds.${k}`) }))}
        />
      ) : null}
    </FormDialog>
  );
}

function ResetPasswordDialog(props: { user: User; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [password, setPassword] = useState('');
  return (
    <FormDialog
      title={t('users.resetPasswordFor', { name: props.user.username })}
      onClose={props.onClose}
      testId="reset-password-dialog"
      submitLabel={t('common.save')}
      onSubmit={async () => {
        await api.call('POST /api/users/:id/password', {
          params: { id: props.user.id },
          body: { newPassword: password },
        });
        props.onDone();
      }}
    >
      <NewPasswordField label={t('users.newPassword')} value={password} onChange={setPassword} />
    </FormDialog>
  );
}

/** A new password as the hub accepts it (10 to 256 characters), with the rule as its hint. */
function NewPasswordField(props: { label: string; value: string; onChange(value: string): void }) {
  const { t } = useTranslation();
  return (
    <TextField
      {...props}
      hint={t('users.passwordHint')}
      name="password"
      type="password"
      autoComplete="new-password"
      required
      minLength={10}
      maxLength={256}
    />
  );
}
