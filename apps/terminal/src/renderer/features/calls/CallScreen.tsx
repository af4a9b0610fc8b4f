/**
 * Calling a shop or the listening line: the call is asked for as soon as the screen opens; while
 * waiting the screen shows and says the place and the estimated wait ("あと2人・約3分"), with a big
 * cancel button; when the shop is closed or nobody is there, it offers a callback instead.
 */
import type { Order } from '@tsunagu/protocol';
import { BigButton, ButtonGrid, Screen } from '@tsunagu/ui';
import { type ReactElement, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { ackWithTimeout, useConnection } from '../../connection';
import { YesOrNo } from '../../shell/Choices';
import { useSound } from '../../sound/SoundContext';
import type { ProfileShop } from '../home/layout';
import { orderStatusKey } from '../orders/status';
import { calls } from './controller';
import { callTitleKey } from './title';

export function CallScreen({ shop, onBack }: { shop: ProfileShop; onBack: () => void }): ReactElement {
  const { t } = useTranslation();
  const { announce } = useSound();
  const view = useSyncExternalStore(calls.subscribe, calls.getSnapshot);
  const connection = useConnection();
  const [orders, setOrders] = useState<Order[]>([]);
  const title = callTitleKey(shop);

  useEffect(() => {
    void calls.request({ id: shop.id, name: shop.name, kind: shop.kind === 'listening' ? 'listening' : 'shop' });
  }, [shop.id, shop.name, shop.kind]);

  // Pressing the shop's button also answers "where is my order?".
  useEffect(() => {
    if (!connection || shop.kind !== 'shop') return;
    void ackWithTimeout(connection.socket, 'order:list', {}, 10_000).then((r) => {
      if (r.ok)
        setOrders(
          r.data.orders.filter(
            (o) => o.shopId === shop.id && o.status !== 'delivered' && o.status !== 'cancelled' && o.status !== 'draft',
          ),
        );
    });
  }, [connection, shop.id, shop.kind]);

  // After a call the resident is taken home (a call they did not end says so over it until they tap).
  useEffect(() => {
    if (view.phase === 'ended') {
      if (!view.showEnded) calls.dismissEnded();
      onBack();
    }
  }, [view.phase, view.showEnded, onBack]);

  const p = view.position;
  const minutes = p ? Math.max(1, Math.round(p.estimatedWaitSeconds / 60)) : 0;
  const spokenKey = useRef('');
  useEffect(() => {
    if (view.phase !== 'waiting' || !p) return;
    const text = p.callback
      ? t('call.callbackRequestedSpoken')
      : p.notice === 'closed'
        ? t('call.closedSpoken')
        : p.notice === 'nobody_available'
          ? t('call.nobodySpoken')
          : p.ahead === 0
            ? t('call.nextSpoken')
            : t('call.waitingSpoken', { ahead: p.ahead, minutes });
    if (spokenKey.current === text) return;
    spokenKey.current = text;
    announce({ text, tone: p.callback ? 'success' : 'chime' });
  }, [view.phase, p, minutes, t, announce]);

  const leave = () => {
    void calls.leaveWaiting();
    onBack();
  };

  // When nothing more can happen here, the one way on is home.
  const backHome = (
    <ButtonGrid columns={1}>
      <BigButton icon="back" label={t('call.backHome')} variant="neutral" onPress={leave} testId="call-back-home" />
    </ButtonGrid>
  );
  let body: ReactElement;
  if (view.phase === 'failed') {
    body = (
      <>
        <p className="ts-text ts-text--large" role="alert">
          {view.errorCode === 'ALREADY_IN_CALL' ? t('call.alreadyInCall') : t('call.failed')}
        </p>
        {backHome}
      </>
    );
  } else if (!p || view.phase === 'requesting') {
    body = <p className="ts-text ts-text--large">{t('call.connecting')}</p>;
  } else if (p.callback) {
    body = (
      <>
        <p className="ts-text ts-text--large" data-testid="call-callback-requested">
          {t('call.callbackRequested')}
        </p>
        {backHome}
      </>
    );
  } else {
    const problem =
      p.notice === 'closed' ? t('call.closed') : p.notice === 'nobody_available' ? t('call.nobody') : null;
    body = (
      <>
        <div className="tc-wait" data-testid="call-waiting">
          {problem ? (
            <p className="tc-wait__big" role="status">
              {problem}
            </p>
          ) : p.ahead === 0 ? (
            <p className="tc-wait__big" role="status">
              {t('call.next')}
            </p>
          ) : (
            <p className="tc-wait__big" role="status">
              {t('call.waiting', { ahead: p.ahead, minutes })}
            </p>
          )}
          <p className="ts-text">{problem ? t('call.callbackOffer') : t('call.waitingHint')}</p>
          {orders.map((o) => (
            <p className="ts-text" key={o.id} data-testid="call-order-status">
              {t('orders.statusLine', { id: o.id, status: t(orderStatusKey(o.status)) })}
            </p>
          ))}
        </div>
        <YesOrNo
          yes={{
            icon: 'phone',
            label: t('call.requestCallback'),
            onPress: () => void calls.requestCallback(),
            testId: 'call-request-callback',
          }}
          no={{ label: t('call.cancel'), onPress: leave, testId: 'call-cancel' }}
        />
      </>
    );
  }

  return (
    <Screen title={t(title.key, { name: title.name })} testId="call-screen">
      <style>{`.tc-wait { display: flex; flex-direction: column; gap: 0.5em; margin-bottom: 0.5em; } .tc-wait__big { font-size: 56px; font-weight: 800; margin: 0; }`}</style>
      {body}
    </Screen>
  );
}
