/** Builds an order during (or after) a call: catalogue items or free lines, then sent to the resident to confirm. */
import type { Order, OrderLineInput } from '@tsunagu/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffEvent } from '../../api/socket';
import { useSession } from '../../session';
import { Button, ErrorMessage, LoadState, useLoad } from '../../shell/ui';

type Line = OrderLineInput & { label: string };

export function OrderBuilder({
  shopId,
  householdId,
  callId,
}: {
  shopId: number;
  householdId: number;
  callId?: number;
}) {
  const { t } = useTranslation();
  const { api } = useSession();
  const catalogue = useLoad(() => api.call('GET /api/shops/:id/catalogue', { params: { id: shopId } }), [shopId]);
  const [lines, setLines] = useState<Line[]>([]);
  const [free, setFree] = useState({ name: '', quantity: 1, unit: '', price: '' });
  const [sent, setSent] = useState<Order | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The resident's answer on the terminal, as soon as it comes.
  useStaffEvent('order:changed', (o) => {
    if (sent && o.id === sent.id) setSent(o);
  });

  const addItem = (itemId: number, label: string) =>
    setLines((ls) => {
      const i = ls.findIndex((l) => l.itemId === itemId);
      if (i < 0) return [...ls, { itemId, quantity: 1, label }];
      return ls.map((l, j) => (j === i ? { ...l, quantity: Math.min(99, l.quantity + 1) } : l));
    });

  const send = async () => {
    setError(null);
    try {
      const body = {
        shopId,
        householdId,
        ...(callId ? { callId } : {}),
        lines: lines.map(({ label: _label, ...l }) => l),
      };
      const order = await api.call('POST /api/orders', { body });
      setSent(await api.call('POST /api/orders/:id/send', { params: { id: order.id } }));
      setLines([]);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="order-builder" data-testid="order-builder" aria-labelledby="order-builder-title">
      <style>
        {
          '.free-line { display: grid; grid-template-columns: 2fr 0.7fr 0.8fr 0.9fr auto; gap: 0.4rem; align-items: end; margin: 0.5rem 0; } .free-line label { display: flex; flex-direction: column; font-size: 0.85rem; } .free-line input { width: 100%; box-sizing: border-box; }'
        }
      </style>
      <h3 id="order-builder-title">{t('orders.builder')}</h3>
      <LoadState state={catalogue}>
        <ul className="catalogue">
          {catalogue.data?.items.map((item) => (
            <li key={item.id}>
              <button
                type="button"
                className="button"
                onClick={() => addItem(item.id, item.name)}
                data-testid={`catalogue-item-${item.id}`}
              >
                {item.photoUrl ? <img src={item.photoUrl} alt="" width={40} height={40} /> : null}
                {item.name}（{item.priceYen}円/{item.unit}） {t('orders.add')}
              </button>
            </li>
          ))}
        </ul>
      </LoadState>
      <form
        className="free-line"
        onSubmit={(e) => {
          e.preventDefault();
          if (!free.name.trim()) return;
          setLines((ls) => [
            ...ls,
            {
              itemId: null,
              name: free.name.trim(),
              quantity: free.quantity,
              unit: free.unit,
              priceYen: free.price === '' ? null : Number(free.price),
              label: free.name.trim(),
            },
          ]);
          setFree({ name: '', quantity: 1, unit: '', price: '' });
        }}
      >
        <label>
          {t('orders.freeLine')}
          <input
            value={free.name}
            maxLength={120}
            onChange={(e) => setFree({ ...free, name: e.target.value })}
            data-testid="free-line-name"
          />
        </label>
        <label>
          {t('orders.quantity')}
          <input
            type="number"
            min={1}
            max={99}
            value={free.quantity}
            onChange={(e) => setFree({ ...free, quantity: Math.max(1, Math.min(99, Number(e.target.value) || 1)) })}
          />
        </label>
        <label>
          {t('orders.unit')}
          <input value={free.unit} maxLength={20} onChange={(e) => setFree({ ...free, unit: e.target.value })} />
        </label>
        <label>
          {t('orders.price')}
          <input
            type="number"
            min={0}
            value={free.price}
            onChange={(e) => setFree({ ...free, price: e.target.value })}
          />
        </label>
        <button type="submit" className="button" data-testid="free-line-add">
          {t('orders.addFree')}
        </button>
      </form>
      <h4>{t('orders.lines')}</h4>
      {lines.length === 0 ? <p className="hint">{t('orders.empty')}</p> : null}
      <ul data-testid="order-draft-lines">
        {lines.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: draft lines have no id yet
          <li key={i}>
            {l.label} × {l.quantity}{' '}
            <Button size="small" onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}>
              {t('orders.remove')}
            </Button>
          </li>
        ))}
      </ul>
      <Button look="primary" disabled={lines.length === 0} onClick={() => void send()} testId="order-send">
        {t('orders.sendToResident')}
      </Button>
      {sent?.status === 'awaiting_confirmation' ? (
        <p className="message message-ok" role="status" data-testid="order-sent">
          {t('orders.sent')}
        </p>
      ) : sent?.confirmedAt ? (
        <p className="message message-ok" role="status" data-testid="order-confirmed">
          {t('orders.confirmedByResident')}
        </p>
      ) : sent?.status === 'draft' ? (
        <p className="message message-warn" role="status" data-testid="order-declined">
          {t('orders.declinedByResident')}
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} /> : null}
    </section>
  );
}
