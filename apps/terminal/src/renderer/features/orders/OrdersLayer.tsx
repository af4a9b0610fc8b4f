/**
 * Order messages from the shop: "is this your order?" in big type with はい / いいえ, and news of the
 * order's progress. One message at a time; during a call it sits beside the caller's face, never
 * over it. News of one order that moves on again before the resident has read it replaces the
 * older news (one わかりました per order at most). Each message is acknowledged once the resident has
 * answered or read it; unacknowledged ones come again after a reconnect.
 */
import type { Order, OrderMessage } from '@tsunagu/protocol';
import { BigButton, usePagedOverflow } from '@tsunagu/ui';
import { type ReactElement, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { ackWithTimeout, useConnection } from '../../connection';
import { OkButton, YesOrNo } from '../../shell/Choices';
import { useSound } from '../../sound/SoundContext';
import { useEmergencyActive } from '../../state/TerminalState';
import { calls } from '../calls/controller';
import { orderStatusKey } from './status';

const css = `
.to-overlay { position: fixed; inset: 0; z-index: 600; background: #ffffff; color: #111111; display: flex; flex-direction: column; padding: 3vmin; gap: 2vmin; }
.to-overlay.to-beside { left: 50%; border-left: 4px solid #111111; }
body:has(.to-beside) .tc-overlay > * { width: 50%; }
.to-overlay h1 { font-size: max(44px, 1.4rem); margin: 0; }
.to-list { flex: 1; min-height: 0; display: flex; gap: 2vmin; }
.to-list > .ts-button { flex: none; align-self: flex-start; width: max(200px, 20vmin); min-height: 160px; font-size: 32px; }
.to-lines { flex: 1; min-height: 0; overflow: hidden; margin: 0; padding: 0; list-style: none; border-top: 3px solid #111111; }
.to-lines li { display: flex; justify-content: space-between; gap: 1em; font-size: 40px; padding: 0.25em 0; border-bottom: 2px solid #555555; }
.to-unit { font-size: 32px; }
.to-qty { white-space: nowrap; font-weight: 700; }
.to-total { font-size: 44px; font-weight: 800; margin: 0; text-align: right; }
.to-status { font-size: 56px; font-weight: 800; margin: 0; }
.to-row { display: flex; gap: 3vmin; }
.to-row .ts-button { flex: 1; min-height: max(160px, 18vmin); font-size: max(44px, 1.4rem); }
`;

const yen = (n: number) => `${n.toLocaleString('ja-JP')}円`;

export function OrdersLayer(): ReactElement | null {
  const { t } = useTranslation();
  const { announce } = useSound();
  const connection = useConnection();
  const emergency = useEmergencyActive();
  const [queue, setQueue] = useState<OrderMessage[]>([]);
  /** News replaced by newer news of the same order: acknowledged with the message that replaced it. */
  const replaced = useRef(new Map<number, number[]>());
  const inCall = useSyncExternalStore(calls.subscribe, () => calls.getSnapshot().phase === 'connected');
  // A long order is shown a page of lines at a time (single taps only: no scrolling by swipe).
  const linesRef = useRef<HTMLUListElement>(null);
  const lines = usePagedOverflow(linesRef, 'items', queue[0]?.messageId);

  useEffect(() => {
    if (!connection) return;
    const onMessage = (m: OrderMessage) =>
      setQueue((q) => {
        if (q.some((x) => x.messageId === m.messageId)) return q;
        const older = m.kind === 'status' ? q.findIndex((x) => x.kind === 'status' && x.order.id === m.order.id) : -1;
        if (older < 0) {
          // News goes before questions still waiting (the answer's news before the next order's question).
          const before = m.kind === 'status' ? q.findIndex((x, i) => i > 0 && x.kind === 'confirm_request') : -1;
          return before < 0 ? [...q, m] : [...q.slice(0, before), m, ...q.slice(before)];
        }
        const was = q[older]!.messageId;
        replaced.current.set(m.messageId, [was, ...(replaced.current.get(was) ?? [])]);
        return q.map((x, i) => (i === older ? m : x));
      });
    connection.socket.on('order:message', onMessage);
    return () => {
      connection.socket.off('order:message', onMessage);
    };
  }, [connection]);

  const current = queue[0];
  const asking = current?.kind === 'confirm_request' && current.order.status === 'awaiting_confirmation';
  const spokenFor = useRef<number | null>(null);
  useEffect(() => {
    if (!current || spokenFor.current === current.messageId) return;
    spokenFor.current = current.messageId;
    const o = current.order;
    if (asking)
      announce({ text: t('orders.confirmSpoken', { shop: o.shopName, count: o.lines.length }), tone: 'chime' });
    else
      announce({
        text: t('orders.statusSpoken', { shop: o.shopName, status: t(orderStatusKey(o.status)) }),
        tone: 'chime',
      });
  }, [current, asking, t, announce]);

  if (!current || !connection) return null;
  const done = async (answer?: boolean) => {
    if (answer !== undefined) {
      const r = await ackWithTimeout(
        connection.socket,
        'order:respond',
        { orderId: current.order.id, accept: answer },
        10_000,
      );
      if (!r.ok && r.error.code !== 'INVALID_TRANSITION') {
        announce({ text: t('orders.failed'), tone: 'error' });
        return;
      }
      announce({ text: answer ? t('orders.thanks') : t('orders.declined'), tone: answer ? 'success' : 'chime' });
    }
    const messageIds = [current.messageId, ...(replaced.current.get(current.messageId) ?? [])];
    await ackWithTimeout(connection.socket, 'order:ack', { messageIds }, 10_000);
    replaced.current.delete(current.messageId);
    setQueue((q) => q.filter((m) => m.messageId !== current.messageId));
  };
  const order: Order = current.order;

  return (
    <div
      className={inCall ? 'to-overlay to-beside' : 'to-overlay'}
      role="alertdialog"
      aria-labelledby="to-title"
      data-testid={asking ? 'order-confirm' : 'order-status'}
      inert={emergency}
    >
      <style>{css}</style>
      <h1 id="to-title">
        {asking
          ? t('orders.confirmTitle', { shop: order.shopName })
          : t('orders.statusTitle', { shop: order.shopName })}
      </h1>
      {asking ? (
        <>
          <div className="to-list">
            <ul className="to-lines" data-testid="order-lines" ref={linesRef}>
              {order.lines.map((l, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines have no id of their own and never reorder here
                <li key={i}>
                  <span>
                    {l.name}
                    {l.unit ? <span className="to-unit">（{l.unit}）</span> : null}
                  </span>
                  <span className="to-qty">
                    × {l.quantity}
                    {l.priceYen !== null ? `　${yen(l.priceYen * l.quantity)}` : ''}
                  </span>
                </li>
              ))}
            </ul>
            {lines.pages > 1 ? (
              <BigButton
                icon={lines.page + 1 < lines.pages ? 'down' : 'replay'}
                label={t(lines.page + 1 < lines.pages ? 'orders.morePage' : 'orders.fromStart', {
                  page: lines.page + 1,
                  pages: lines.pages,
                })}
                variant="neutral"
                onPress={lines.advance}
                testId="order-more"
              />
            ) : null}
          </div>
          {order.totalYen !== null ? (
            <p className="to-total">{t('orders.total', { total: yen(order.totalYen) })}</p>
          ) : null}
          <YesOrNo
            className="to-row"
            yes={{ icon: 'check', label: t('orders.yes'), onPress: () => void done(true), testId: 'order-yes' }}
            no={{ label: t('orders.no'), onPress: () => void done(false), testId: 'order-no' }}
          />
        </>
      ) : (
        <>
          <p className="to-status" data-testid="order-status-text">
            {t(orderStatusKey(order.status))}
          </p>
          <OkButton className="to-row" label={t('orders.ok')} onPress={() => void done()} testId="order-ok" />
        </>
      )}
    </div>
  );
}
