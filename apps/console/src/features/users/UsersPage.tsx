/** Administrators: staff accounts — list, create, disable/enable, reset a password. */
import {
  type CreateUserBody,
  type Shop,
  STAFF_ROLES,
  type StaffRole,
  type User,
  type WatcherKind,
} from '@tsunagu/protocol';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session';
import {
  ConfirmDialog,
  ErrorMessage,
  Field,
  FormActions,
  ForName,
  LoadState,
  Modal,
  StatusMessage,
  useLoad,
} from '../../shell/ui';

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
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const replace = (updated: User) =>
    state.set((d) => d && { ...d, users: d.users.map((u) => (u.id === updated.id ? updated : u)) });

  const setDisabled = async (user: User, disabled: boolean) => {
    const updated = await api.call('PATCH /api/users/:id', { params: { id: user.id }, body: { disabled } });
    replace(updated);
    setStatus(t(disabled ? 'users.disabledDone' : 'users.enabledDone', { username: user.username }));
  };

  const enable = async (user: User) => {
    setError(null);
    try {
      await setDisabled(user, false);
    } catch (err) {
      setError(err);
    }
  };

  const shopName = (id: number | null) =>
    id === null ? '' : (state.data?.shops.find((s) => s.id === id)?.name ?? String(id));

  return (
    <section aria-labelledby="users-title">
      <div className="page-head">
        <h1 id="users-title">{t('users.title')}</h1>
        <button
          type="button"
          className="button button-primary"
          onClick={() => setCreating(true)}
          data-testid="create-user"
        >
          {t('users.create')}
        </button>
      </div>
      <StatusMessage testId="users-status">{status}</StatusMessage>
      <ErrorMessage error={error} />
      <LoadState state={state}>
        <div className="table-wrap">
          <table className="table" data-testid="users-table">
            <caption className="visually-hidden">{t('users.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('users.colUsername')}</th>
                <th scope="col">{t('users.colName')}</th>
                <th scope="col">{t('users.colRole')}</th>
                <th scope="col">{t('users.colShop')}</th>
                <th scope="col">{t('users.colStatus')}</th>
                <th scope="col">{t('users.colActions')}</th>
              </tr>
            </thead>
            <tbody>
              {(state.data?.users ?? []).map((u) => (
                <tr key={u.id} data-testid="user-row" data-username={u.username}>
                  <th scope="row" className="mono">
                    {u.username}
                    {u.id === me.id ? <span className="cell-sub">{t('users.you')}</span> : null}
                  </th>
                  <td>{u.displayName}</td>
                  <td>
                    {t(`roles.${u.role}`)}
                    {u.admin ? <span className="tag">{t('roles.admin')}</span> : null}
                    {u.watcherKind ? <span className="cell-sub">{t(`watcherKinds.${u.watcherKind}`)}</span> : null}
                  </td>
                  <td>{shopName(u.shopId)}</td>
                  <td>
                    {u.disabled ? (
                      <span className="state state-revoked">{t('users.disabled')}</span>
                    ) : (
                      t('users.active')
                    )}
                  </td>
                  <td className="actions">
                    {u.id === me.id ? null : u.disabled ? (
                      <button type="button" className="button button-small" onClick={() => void enable(u)}>
                        {t('users.enable')}
                        <ForName name={u.username} />
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="button button-small button-danger-outline"
                        onClick={() => setDisabling(u)}
                        data-testid="disable-user"
                      >
                        {t('users.disable')}
                        <ForName name={u.username} />
                      </button>
                    )}
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => setResetting(u)}
                      data-testid="reset-password"
                    >
                      {t('users.resetPassword')}
                      <ForName name={u.username} />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
    </section>
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
  const [shopId, setShopId] = useState<number | 0>(0);
  const [watcherKind, setWatcherKind] = useState<WatcherKind>('welfare');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: CreateUserBody = { username: username.trim(), displayName: displayName.trim(), password, role };
    if (role === 'cityhall' && admin) body.admin = true;
    if ((role === 'operator' || role === 'listener') && shopId) body.shopId = shopId;
    if (role === 'watcher') body.watcherKind = watcherKind;
    setBusy(true);
    setError(null);
    try {
      props.onCreated(await api.call('POST /api/users', { body }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal
      title={t('users.create')}
      onClose={props.onClose}
      testId="create-user-dialog"
      closeLabel={t('common.cancel')}
      hideFooter
    >
      <form onSubmit={submit} id="create-user-form" className="form">
        <Field label={t('users.fieldUsername')} hint={t('users.usernameHint')}>
          {({ id, describedBy }) => (
            <input
              id={id}
              aria-describedby={describedBy}
              name="username"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              required
              minLength={3}
              maxLength={64}
              pattern="[a-z0-9][a-z0-9._\-]*"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('users.fieldDisplayName')}>
          {({ id }) => (
            <input
              id={id}
              name="displayName"
              required
              maxLength={120}
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('users.fieldPassword')} hint={t('users.passwordHint')}>
          {({ id, describedBy }) => (
            <input
              id={id}
              aria-describedby={describedBy}
              name="password"
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
              maxLength={256}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('users.fieldRole')}>
          {({ id }) => (
            <select id={id} name="role" value={role} onChange={(e) => setRole(e.target.value as StaffRole)}>
              {STAFF_ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {role === 'cityhall' ? (
          <label className="check">
            <input type="checkbox" name="admin" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />
            {t('users.fieldAdmin')}
          </label>
        ) : null}
        {role === 'operator' || role === 'listener' ? (
          <Field label={t('users.fieldShop')}>
            {({ id }) => (
              <select
                id={id}
                name="shopId"
                required={role === 'operator'}
                value={shopId || ''}
                onChange={(e) => setShopId(Number(e.target.value))}
              >
                <option value="">{role === 'operator' ? t('users.chooseShop') : t('common.none')}</option>
                {props.shops.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        {role === 'watcher' ? (
          <Field label={t('users.fieldWatcherKind')}>
            {({ id }) => (
              <select
                id={id}
                name="watcherKind"
                value={watcherKind}
                onChange={(e) => setWatcherKind(e.target.value as WatcherKind)}
              >
                {WATCHER_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`watcherKinds.${k}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <ErrorMessage error={error} testId="create-user-error" />
        <FormActions
          onCancel={props.onClose}
          submitLabel={t('common.create')}
          disabled={busy}
          testId="create-user-submit"
        />
      </form>
    </Modal>
  );
}

function ResetPasswordDialog(props: { user: User; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.call('POST /api/users/:id/password', {
        params: { id: props.user.id },
        body: { newPassword: password },
      });
      props.onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal
      title={t('users.resetPasswordFor', { name: props.user.username })}
      onClose={props.onClose}
      closeLabel={t('common.cancel')}
      testId="reset-password-dialog"
      hideFooter
    >
      <form onSubmit={submit} className="form">
        <Field label={t('users.newPassword')} hint={t('users.passwordHint')}>
          {({ id, describedBy }) => (
            <input
              id={id}
              aria-describedby={describedBy}
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
              maxLength={256}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <ErrorMessage error={error} />
        <FormActions onCancel={props.onClose} submitLabel={t('common.save')} disabled={busy} />
      </form>
    </Modal>
  );
}
