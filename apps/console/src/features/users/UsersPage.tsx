/** Administrators: staff accounts — list, create, disable/enable, reset a password or two-factor sign-in. */
import type { CreateUserBody, Shop, StaffRole, User, WatcherKind } from '@tsunagu/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session';
import { actionsColumn, DataTable, type RowAction } from '../../shell/DataTable';
import { CheckField, FormDialog, RoleField, SelectField, TextField, useFormFields } from '../../shell/form';
import { Page } from '../../shell/Page';
import { useLoad, usePageActions } from '../../shell/ui';

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
  const page = usePageActions('users-status');

  const replace = (updated: User) =>
    state.set((d) => d && { ...d, users: d.users.map((u) => (u.id === updated.id ? updated : u)) });

  const setDisabled = async (user: User, disabled: boolean) => {
    const updated = await api.call('PATCH /api/users/:id', { params: { id: user.id }, body: { disabled } });
    replace(updated);
    page.say(t(disabled ? 'users.disabledDone' : 'users.enabledDone', { username: user.username }));
  };

  const enable = (u: User): RowAction => ({
    label: t('users.enable'),
    onClick: () => void page.run(() => setDisabled(u, false)),
  });
  const disable = (u: User): RowAction =>
    page.askFirst(
      { label: t('users.disable'), danger: true, testId: 'disable-user' },
      {
        title: t('users.confirmDisableTitle'),
        body: t('users.confirmDisableBody', { username: u.username }),
        run: () => setDisabled(u, true),
      },
    );
  const resetTwoFactor = (u: User): RowAction =>
    page.askFirst(
      { label: t('users.resetTwoFactor'), testId: 'reset-two-factor' },
      {
        title: t('users.confirmResetTwoFactorTitle'),
        body: t('users.confirmResetTwoFactorBody', { username: u.username }),
        run: async () => {
          await api.call('POST /api/users/:id/two-factor/reset', { params: { id: u.id } });
          replace({ ...u, twoFactorEnabled: false });
          page.say(t('users.resetTwoFactorDone', { username: u.username }));
        },
      },
    );

  const shopName = (id: number | null) =>
    id === null ? '' : (state.data?.shops.find((s) => s.id === id)?.name ?? String(id));

  return (
    <Page
      id="users"
      title={t('users.title')}
      actions={[{ label: t('users.create'), onClick: () => setCreating(true), testId: 'create-user', primary: true }]}
    >
      {page.notices}
      <DataTable
        state={state}
        caption={t('users.title')}
        testId="users-table"
        rows={state.data?.users ?? []}
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
          actionsColumn(
            t('users.colActions'),
            (u: User) => u.username,
            (u) => [
              u.id !== me.id && u.disabled && enable(u),
              u.id !== me.id && !u.disabled && disable(u),
              { label: t('users.resetPassword'), onClick: () => setResetting(u), testId: 'reset-password' },
              u.twoFactorEnabled && u.id !== me.id && resetTwoFactor(u),
            ],
          ),
        ]}
      />
      {creating ? (
        <CreateUserDialog
          shops={state.data?.shops ?? []}
          onClose={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            state.set((d) => d && { ...d, users: [...d.users, u] });
            page.say(t('users.created', { username: u.username }));
          }}
        />
      ) : null}
      {resetting ? (
        <ResetPasswordDialog
          user={resetting}
          onClose={() => setResetting(null)}
          onDone={() => {
            page.say(t('users.resetDone', { username: resetting.username }));
            setResetting(null);
          }}
        />
      ) : null}
      {page.dialog}
    </Page>
  );
}

function CreateUserDialog(props: { shops: Shop[]; onClose(): void; onCreated(user: User): void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const form = useFormFields({
    username: '',
    displayName: '',
    password: '',
    role: 'operator' as StaffRole,
    admin: false,
    // '' until a shop is chosen, so a required choice is enforced by the form.
    shopId: '' as number | '',
    watcherKind: 'welfare' as WatcherKind,
  });
  const { field } = form;
  const { username, displayName, password, role, admin, shopId, watcherKind } = form.values;

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
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        required
        minLength={3}
        maxLength={64}
        pattern="[a-z0-9][a-z0-9._\-]*"
        {...field('username')}
      />
      <TextField label={t('users.fieldDisplayName')} {...field('displayName')} required maxLength={120} />
      <NewPasswordField label={t('users.fieldPassword')} {...field('password')} />
      <RoleField label={t('users.fieldRole')} {...field('role')} />
      {role === 'cityhall' ? <CheckField label={t('users.fieldAdmin')} {...form.check('admin')} /> : null}
      {role === 'operator' || role === 'listener' ? (
        <SelectField
          label={t('users.fieldShop')}
          {...field('shopId')}
          required={role === 'operator'}
          options={[
            { value: '', label: role === 'operator' ? t('users.chooseShop') : t('common.none') },
            ...props.shops.map((s) => ({ value: s.id, label: s.name })),
          ]}
        />
      ) : null}
      {role === 'watcher' ? (
        <SelectField
          label={t('users.fieldWatcherKind')}
          {...field('watcherKind')}
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
