/**
 * A shop's orders (city hall: every shop's): move them along, record the delivery with how the
 * resident seemed (a concern alerts their watchers), or call the resident about an order.
 */
import type { Order } from '@tsunagu/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffEvent } from '../../api/socket';
import { formatDateTime } from '../../i18n/i18n';
import { useSession } from '../../session';
import { DataTable, RowButton } from '../../shell/DataTable';
import { RadioGroup, TextField } from '../../shell/form';
import { Page } from '../../shell/Page';
import { ErrorMessage, useAction, useLoad } from '../../shell/ui';
import { consoleCalls } from '../calls/controller';

export function OrdersPage() {
  const { t, i18n } = useTranslation();
  const { api, user } = useSession();
  const orders = useLoad(() => api.call('GET /api/orders', { query: { limit: 200 } }), []);
  const [delivering, setDelivering] = useState<{ id: number; wellbeing: 'well' | 'concern'; note: string } | null>(
    null,
  );
  const action = useAction();
  const isOperator = (user.role === 'operator' || user.role === 'listener') && user.shopId !== null;

  useStaffEvent('order:changed', (o) =>
    orders.set((d) => {
      const list = d?.orders ?? [];
      return { orders: list.some((x) => x.id === o.id) ? list.map((x) => (x.id === o.id ? o : x)) : [o, ...list] };
    }),
  );

  const act = (fn: () => Promise<Order>) =>
    action.run(async () => {
      const o = await fn();
      orders.set((d) => ({ orders: (d?.orders ?? []).map((x) => (x.id === o.id ? o : x)) }));
    });
  const status = (id: number, s: 'preparing' | 'out_for_delivery' | 'cancelled') =>
    act(() => api.call('POST /api/orders/:id/status', { params: { id }, body: { status: s } }));
  /** The next step of an order, as a button in its row. */
  const step = (o: Order, label: string, onClick: () => void, danger = false) => (
    <RowButton label={label} name={`#${o.id} ${o.householdName}`} onClick={onClick} danger={danger} />
  );

  return (
    <Page id="orders" title={t('orders.list')} testId="orders-page">
      <ErrorMessage error={action.error} />
      <DataTable
        state={orders}
        caption={t('orders.list')}
        empty={t('orders.none')}
        rows={orders.data?.orders ?? []}
        rowData={(o) => ({ 'data-testid': `order-row-${o.id}` })}
        columns={[
          { header: '#', cell: (o) => o.id },
          {
            header: t('orders.household'),
            rowHeader: true,
            cell: (o) => (
              <>
                {o.householdName}
                <span className="cell-sub">{formatDateTime(o.createdAt, i18n.language)}</span>
              </>
            ),
          },
          user.role === 'cityhall' && {
            header: t('orders.shop'),
            testId: () => 'order-shop',
            cell: (o) => o.shopName,
          },
          {
            header: t('orders.delivery'),
            testId: () => 'order-delivery',
            cell: (o) => (
              <>
                {o.deliveryAddress}
                {o.deliveryPhone ? <span className="cell-sub nowrap">{o.deliveryPhone}</span> : null}
              </>
            ),
          },
          {
            header: t('orders.lines'),
            testId: () => 'order-lines',
            cell: (o) => (
              <ul className="plain-list">
                {o.lines.map((l, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: lines have no id and never reorder here
                  <li key={i}>{t('orders.line', { name: l.name, quantity: l.quantity, unit: l.unit })}</li>
                ))}
              </ul>
            ),
          },
          user.role === 'cityhall' && {
            header: t('orders.orderNote'),
            testId: () => 'order-note',
            cell: (o) => o.note,
          },
          { header: t('orders.total'), cell: (o) => (o.totalYen !== null ? `${o.totalYen}円` : '—') },
          {
            header: t('orders.status'),
            testId: (o) => `order-status-${o.id}`,
            cell: (o) => (
              <>
                {t(`orders.statuses.${o.status}`)}
                {o.wellbeing ? (
                  <span className="cell-sub">
                    {o.wellbeing === 'well' ? t('orders.well') : `${t('orders.concern')}：${o.deliveryNote}`}
                  </span>
                ) : null}
              </>
            ),
          },
          {
            header: t('orders.actions'),
            className: 'actions',
            cell: (o) => (
              <>
                {o.status === 'received'
                  ? step(o, t('orders.toPreparing'), () => void status(o.id, 'preparing'))
                  : null}
                {o.status === 'preparing'
                  ? step(o, t('orders.toDelivery'), () => void status(o.id, 'out_for_delivery'))
                  : null}
                {o.status === 'out_for_delivery'
                  ? step(o, t('orders.deliver'), () => setDelivering({ id: o.id, wellbeing: 'well', note: '' }))
                  : null}
                {OPEN.includes(o.status)
                  ? step(o, t('orders.cancel'), () => void status(o.id, 'cancelled'), true)
                  : null}
                {isOperator && o.shopId === user.shopId
                  ? step(o, t('orders.callBack'), () => {
                      // The call (video, order builder) is on the calls page: go there to take it.
                      window.location.hash = '#/calls';
                      void consoleCalls.callBack({ householdId: o.householdId, orderId: o.id });
                    })
                  : null}
                {delivering?.id === o.id ? (
                  <form
                    className="form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const d = delivering;
                      void act(() =>
                        api.call('POST /api/orders/:id/deliver', {
                          params: { id: o.id },
                          body: { wellbeing: d.wellbeing, note: d.note },
                        }),
                      ).then((ok) => ok && setDelivering(null));
                    }}
                  >
                    <RadioGroup
                      legend={t('orders.wellbeing')}
                      name={`wb-${o.id}`}
                      value={delivering.wellbeing}
                      onChange={(wellbeing) => setDelivering({ ...delivering, wellbeing })}
                      options={[
                        { value: 'well', label: t('orders.well') },
                        { value: 'concern', label: t('orders.concern') },
                      ]}
                    />
                    <TextField
                      label={t('orders.note')}
                      rows={2}
                      maxLength={1000}
                      value={delivering.note}
                      onChange={(note) => setDelivering({ ...delivering, note })}
                    />
                    <button type="submit" className="button button-primary">
                      {t('orders.saveDelivery')}
                    </button>
                  </form>
                ) : null}
              </>
            ),
          },
        ]}
      />
    </Page>
  );
}

/** The states an order can still be cancelled in. */
const OPEN: readonly Order['status'][] = [
  'draft',
  'awaiting_confirmation',
  'received',
  'preparing',
  'out_for_delivery',
];
