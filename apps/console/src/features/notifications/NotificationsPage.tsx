/**
 * A watcher's (and city hall's) own notification settings: e-mail, Web Push on this device and
 * the devices registered, and — for city hall — the disaster support team. Works on a phone.
 */
import type { NotificationSettings } from '@tsunagu/protocol';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { RowButton } from '../../shell/DataTable';
import { CheckField, TextField, useFormFields } from '../../shell/form';
import { Page } from '../../shell/Page';
import { Button, ErrorMessage, LoadState, StatusMessage, useAction, useLoad } from '../../shell/ui';
import { notifyErrorKey, useNotifyMessages } from './messages';
import { pushSupport, subscribeThisDevice } from './push';

export function NotificationsPage() {
  const { t, language } = useNotifyMessages();
  const { api, user } = useSession();
  const settings = useLoad(() => api.call('GET /api/notifications/settings'), []);
  const [current, setCurrent] = useState<NotificationSettings | null>(null);
  const form = useFormFields({ email: '', mail: false, push: true, disasterSupport: false });
  const { email, mail, push, disasterSupport } = form.values;
  const [label, setLabel] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();

  const { reset } = form;
  const show = useCallback(
    (s: NotificationSettings) => {
      setCurrent(s);
      reset({ email: s.email ?? '', mail: s.mail, push: s.push, disasterSupport: s.disasterSupport });
    },
    [reset],
  );
  useEffect(() => {
    if (settings.data) show(settings.data);
  }, [settings.data, show]);

  const error = action.error ? (notifyErrorKey(action.error) ? t(notifyErrorKey(action.error)!) : action.error) : null;

  const save = (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    void action.run(async () => {
      show(
        await api.call('PUT /api/notifications/settings', {
          body: {
            email: email.trim() || null,
            mail,
            push,
            ...(user.role === 'cityhall' ? { disasterSupport } : {}),
          },
        }),
      );
      setNotice(t('notify.saved'));
    });
  };

  const subscribe = () => {
    setNotice(null);
    void action.run(async () => {
      if (!current?.vapidPublicKey) throw t('notify.pushUnavailable');
      const support = pushSupport();
      if (support !== 'ok') throw t(support === 'denied' ? 'notify.pushDenied' : 'notify.pushUnsupported');
      const body = await subscribeThisDevice(current.vapidPublicKey, label.trim() || navigator.platform || '');
      if (!body) throw t('notify.pushDenied');
      await api.call('POST /api/notifications/devices', { body });
      settings.reload();
      setNotice(t('notify.subscribed'));
    });
  };

  const remove = (id: number) => {
    setNotice(null);
    void action.run(async () => show(await api.call('DELETE /api/notifications/devices/:id', { params: { id } })));
  };

  const time = (iso: string | null) => formatDateTime(iso, language);

  return (
    <Page id="notifications" title={t('notify.title')} testId="notifications-page" intro={t('notify.intro')}>
      <ErrorMessage error={error} testId="notify-error" />
      <StatusMessage testId="notify-status">{notice}</StatusMessage>
      <LoadState state={settings}>
        {current ? (
          <>
            <form onSubmit={save} className="form form-narrow" noValidate data-testid="notify-form">
              <TextField
                label={t('notify.email')}
                hint={current.available.mail ? t('notify.emailHint') : t('notify.noMail')}
                type="email"
                autoComplete="email"
                {...form.field('email')}
                data-testid="notify-email"
              />
              <CheckField
                label={t('notify.mail')}
                {...form.check('mail')}
                disabled={!current.available.mail}
                testId="notify-mail"
              />
              <CheckField
                label={t('notify.push')}
                {...form.check('push')}
                disabled={!current.available.push}
                testId="notify-push"
              />
              {user.role === 'cityhall' ? (
                <CheckField
                  label={t('notify.disasterSupport')}
                  {...form.check('disasterSupport')}
                  testId="notify-team"
                />
              ) : null}
              <div>
                <button
                  type="submit"
                  className="button button-primary"
                  disabled={action.busy}
                  data-testid="notify-save"
                >
                  {t('notify.save')}
                </button>
              </div>
            </form>

            <h2>{t('notify.devices')}</h2>
            {current.devices.length === 0 ? <p>{t('notify.noDevices')}</p> : null}
            <ul className="notify-devices" data-testid="notify-devices">
              {current.devices.map((d) => (
                <li key={d.id} data-testid={`notify-device-${d.id}`}>
                  <span className="cell-title">{d.label}</span>{' '}
                  <span className="cell-sub">
                    {t('notify.deviceAdded', { time: time(d.createdAt) })}
                    {d.lastSuccessAt ? ` · ${t('notify.lastSuccess', { time: time(d.lastSuccessAt) })}` : ''}
                  </span>{' '}
                  <RowButton
                    label={t('notify.removeDevice')}
                    name={d.label}
                    onClick={() => remove(d.id)}
                    testId={`notify-remove-${d.id}`}
                  />
                </li>
              ))}
            </ul>
            {current.available.push ? (
              <div className="form form-narrow">
                <TextField
                  label={t('notify.deviceLabel')}
                  hint={t('notify.deviceLabelHint')}
                  value={label}
                  maxLength={120}
                  onChange={setLabel}
                  data-testid="notify-device-label"
                />
                <div>
                  <Button look="primary" onClick={subscribe} disabled={action.busy} testId="notify-subscribe">
                    {t('notify.subscribe')}
                  </Button>
                </div>
              </div>
            ) : (
              <p>{t('notify.pushUnavailable')}</p>
            )}
          </>
        ) : null}
      </LoadState>
    </Page>
  );
}
