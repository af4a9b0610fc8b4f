/**
 * Where an e-mail's or a notification's link lands (`#/ack/<token>`): after signing in, one tap
 * acknowledges the alert — the hub checks the link is this person's, unused and unexpired.
 */
import type { WatchAlert } from '@tsunagu/protocol';
import { useState } from 'react';
import { useSession } from '../../session';
import { Page } from '../../shell/Page';
import { routeArgument } from '../../shell/route';
import { Button, ErrorMessage, StatusMessage, useAction } from '../../shell/ui';
import { notifyErrorKey, useNotifyMessages } from './messages';

export function AckPage() {
  const { t } = useNotifyMessages();
  const { api } = useSession();
  const [token] = useState(() => routeArgument(window.location.hash));
  const [result, setResult] = useState<{ alert: WatchAlert; acknowledged: boolean } | null>(null);
  const action = useAction();
  const key = notifyErrorKey(action.error);

  const acknowledge = () =>
    void action.run(async () => {
      if (token) setResult(await api.call('POST /api/notifications/acknowledge', { body: { token } }));
    });

  const alert = result?.alert;
  return (
    <Page id="ack" title={t('notify.ack.title')} testId="ack-page" intro={t('notify.ack.intro')}>
      {!token ? <ErrorMessage error={t('notify.ack.missing')} /> : null}
      <ErrorMessage error={key ? t(key) : action.error} testId="ack-error" />
      {alert ? (
        <>
          <StatusMessage testId="ack-status">
            {result.acknowledged ? t('notify.ack.done') : t('notify.ack.already')}
          </StatusMessage>
          <p className="ack-alert" data-testid="ack-alert" data-state={alert.state}>
            <strong>{alert.householdName ?? t('watch.district', { id: alert.districtId })}</strong> —{' '}
            {alert.test ? `${t('watch.test')}: ` : ''}
            {t(`watch.kind.${alert.kind}`)} · {t(`watch.state.${alert.state}`)}
          </p>
        </>
      ) : token ? (
        <Button look="primary" size="large" onClick={acknowledge} disabled={action.busy} testId="ack-button">
          {t('notify.ack.button')}
        </Button>
      ) : null}
      <p>
        <a href="#/watch" data-testid="ack-open-watch">
          {t('notify.ack.open')}
        </a>
      </p>
    </Page>
  );
}
