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
import { ErrorMessage, LoadState, useLoad } from '../../shell/ui';
import { consoleCalls } from '../calls/controller';

export function OrdersPage() {
  const { t, i18n } = useTranslation();
  const { api, user } = useSession();
  const orders = useLoad(() => api.call('GET /api/orders', { query: { limit: 200 } }), []);
  const [error, setError] = useState<unknown>(null);
  const [delivering, setDelivering] = useState<{ id: number; wellbeing: 'well' | 'concern'; note: string } | null>(
    null,
  );
  const isOperator = (user.role === 'operator' || user.role === 'listener') && user.shopId !== null;

  useStaffEvent('order:changed', (o) =>
    orders.set((d) => {
      const list = d?.orders ?? [];
      return { orders: list.some((x) => x.id === o.id) ? list.map((x) => (x.id === o.id ? o : x)) : [o, ...list] };
    }),
  );

  const act = async (fn: () => Promise<Order>) => {
    setError(null);
    try {
      const o = await fn();
      orders.set((d) => ({ orders: (d?.orders ?? []).map((x) => (x.id === o.id ? o : x)) }));
    } catch (e) {
      setError(e);
    }
  };
  const status = (id: number, s: 'preparing' | 'out_for_delivery' | 'cancelled') =>
    act(() => api.call('POST /api/orders/:id/status', { params: { id }, body: { status: s } }));

  return (
    <div className="page" data-testid="orders-page">
      <div className="page-head">
        <h2>{t('orders.list')}</h2>
      </div>
      {error ? <ErrorMessage error={error} /> : null}
      <LoadState state={orders}>
        {orders.data?.orders.length === 0 ? <p className="hint">{t('orders.none')}</p> : null}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('orders.household')}</th>
                <th scope="col">{t('orders.lines')}</th>
                <th scope="col">{t('orders.total')}</th>
                <th scope="col">{t('orders.status')}</th>
                <th scope="col">{t('orders.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {orders.data?.orders.map((o) => (
                <tr key={o.id} data-testid={`order-row-${o.id}`}>
                  <td>{o.id}</td>
                  <td>
                    {o.householdName}
                    <div className="cell-sub">{formatDateTime(o.createdAt, i18n.language)}</div>
                  </td>
                  <td>{o.lines.map((l) => `${l.name}×${l.quantity}${l.unit}`).join('、')}</td>
                  <td>{o.totalYen !== null ? `${o.totalYen}円` : '—'}</td>
                  <td data-testid={`order-status-${o.id}`}>
                    {t(`orders.statuses.${o.status}`)}
                    {o.wellbeing ? (
                      <div className="cell-sub">
                        {o.wellbeing === 'well' ? t('orders.well') : `${t('orders.concern')}：${o.deliveryNote}`}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    {o.status === 'received' ? (
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => void status(o.id, 'preparing')}
                      >
                        {t('orders.toPreparing')}
                      </button>
                    ) : null}
                    {o.status === 'preparing' ? (
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => void status(o.id, 'out_for_delivery')}
                      >
                        {t('orders.toDelivery')}
                      </button>
                    ) : null}
                    {o.status === 'out_for_delivery' ? (
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => setDelivering({ id: o.id, wellbeing: 'well', note: '' })}
                      >
                        {t('orders.deliver')}
                      </button>
                    ) : null}
                    {['draft', 'awaiting_confirmation', 'received', 'preparing', 'out_for_delivery'].includes(
                      o.status,
                    ) ? (
                      <button
                        type="button"
                        className="button button-small button-danger-outline"
                        onClick={() => void status(o.id, 'cancelled')}
                      >
                        {t('orders.cancel')}
                      </button>
                    ) : null}
                    {isOperator && o.shopId === user.shopId ? (
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => {
                          // The call (video, order builder) is on the calls page: go there to take it.
                          window.location.hash = '#/calls';
                          void consoleCalls.callBack({ householdId: o.householdId, orderId: o.id });
                        }}
                      >
                        {t('orders.callBack')}
                      </button>
                    ) : null}
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
                          ).then(() => setDelivering(null));
                        }}
                      >
                        <fieldset>
                          <legend>{t('orders.wellbeing')}</legend>
                          <label className="check">
                            <input
                              type="radio"
                              name={`wb-${o.id}`}
                              checked={delivering.wellbeing === 'well'}
                              onChange={() => setDelivering({ ...delivering, wellbeing: 'well' })}
                            />
                            {t('orders.well')}
                          </label>
                          <label className="check">
                            <input
                              type="radio"
                              name={`wb-${o.id}`}
                              checked={delivering.wellbeing === 'concern'}
                              onChange={() => setDelivering({ ...delivering, wellbeing: 'concern' })}
                            />
                            {t('orders.concern')}
                          </label>
                        </fieldset>
                        <label>
                          {t('orders.note')}
                          <textarea
                            value={delivering.note}
                            maxLength={1000}
                            onChange={(e) => setDelivering({ ...delivering, note: e.target.value })}
                          />
                        </label>
                        <button type="submit" className="button button-primary">
                          {t('orders.saveDelivery')}
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </LoadState>
    </div>
  );
}
