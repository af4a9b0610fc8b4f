/**
 * Shops and their catalogues: city hall adds shops (and the listening line) and edits any of them;
 * shop staff edit their own shop's opening hours and items. Item photos are uploaded or given by URL.
 */
import type { CatalogueItem, OpeningHours } from '@tsunagu/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session';
import { ErrorMessage, LoadState, useLoad } from '../../shell/ui';

const DAYS = [0, 1, 2, 3, 4, 5, 6];

export function CataloguePage() {
  const { t } = useTranslation();
  const { api, user } = useSession();
  const isCityhall = user.role === 'cityhall';
  const shops = useLoad(() => api.call('GET /api/shops'), []);
  const [selected, setSelected] = useState<number | null>(user.shopId);
  const shopId = selected ?? shops.data?.shops[0]?.id ?? null;
  const [error, setError] = useState<unknown>(null);
  const [newShop, setNewShop] = useState({ name: '', category: '', kind: 'shop' as 'shop' | 'listening' });

  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="page" data-testid="catalogue-page">
      <div className="page-head">
        <h2>{t('catalogue.title')}</h2>
      </div>
      {error ? <ErrorMessage error={error} /> : null}
      <LoadState state={shops}>
        {isCityhall ? (
          <>
            <label className="field">
              {t('catalogue.shop')}
              <select
                value={shopId ?? ''}
                onChange={(e) => setSelected(Number(e.target.value))}
                data-testid="catalogue-shop"
              >
                {shops.data?.shops.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <form
              className="form"
              onSubmit={(e) => {
                e.preventDefault();
                void run(async () => {
                  const s = await api.call('POST /api/shops', { body: { ...newShop, openingHours: [] } });
                  setNewShop({ name: '', category: '', kind: 'shop' });
                  shops.reload();
                  setSelected(s.id);
                });
              }}
            >
              <h3>{t('catalogue.newShop')}</h3>
              <label>
                {t('catalogue.name')}
                <input
                  required
                  maxLength={120}
                  value={newShop.name}
                  onChange={(e) => setNewShop({ ...newShop, name: e.target.value })}
                />
              </label>
              <label>
                {t('catalogue.category')}
                <input
                  required
                  maxLength={60}
                  value={newShop.category}
                  onChange={(e) => setNewShop({ ...newShop, category: e.target.value })}
                />
              </label>
              <label>
                {t('catalogue.kind')}
                <select
                  value={newShop.kind}
                  onChange={(e) =>
                    setNewShop({ ...newShop, kind: e.target.value === 'listening' ? 'listening' : 'shop' })
                  }
                >
                  <option value="shop">{t('catalogue.kindShop')}</option>
                  <option value="listening">{t('catalogue.kindListening')}</option>
                </select>
              </label>
              <button type="submit" className="button button-primary">
                {t('catalogue.create')}
              </button>
            </form>
          </>
        ) : null}
        {shopId !== null ? <ShopEditor key={shopId} shopId={shopId} onError={setError} /> : null}
      </LoadState>
    </div>
  );
}

function ShopEditor({ shopId, onError }: { shopId: number; onError: (e: unknown) => void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const cat = useLoad(() => api.call('GET /api/shops/:id/catalogue', { params: { id: shopId } }), [shopId]);
  const [hours, setHours] = useState<OpeningHours | null>(null);
  const [item, setItem] = useState({ name: '', priceYen: '', unit: '', photoUrl: '' });
  const current = hours ?? cat.data?.shop.openingHours ?? [];
  const run = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      cat.reload();
    } catch (e) {
      onError(e);
    }
  };
  const upload = (it: CatalogueItem, file: File) =>
    run(async () => {
      await api.upload('PUT /api/shops/:id/items/:itemId/photo', { params: { id: shopId, itemId: it.id } }, file);
    });
  const dayRow = (day: number) => current.find((h) => h.day === day);
  const setDay = (day: number, patch: { open?: string; close?: string } | null) => {
    const rest = current.filter((h) => h.day !== day);
    const before = dayRow(day) ?? { day, open: '09:00', close: '18:00' };
    setHours(patch === null ? rest : [...rest, { ...before, ...patch }].sort((a, b) => a.day - b.day));
  };

  return (
    <LoadState state={cat}>
      <section aria-labelledby="hours-title">
        <h3 id="hours-title">
          {cat.data?.shop.name}：{t('catalogue.hours')}
        </h3>
        <table>
          <tbody>
            {DAYS.map((d) => {
              const row = dayRow(d);
              return (
                <tr key={d}>
                  <th scope="row">{t(`catalogue.days.${d}`)}</th>
                  <td>
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={!!row}
                        onChange={(e) => setDay(d, e.target.checked ? {} : null)}
                      />
                      {t('catalogue.open')}
                    </label>
                  </td>
                  <td>
                    {row ? (
                      <input
                        type="time"
                        aria-label={t('catalogue.opens')}
                        value={row.open}
                        onChange={(e) => setDay(d, { open: e.target.value })}
                      />
                    ) : null}
                  </td>
                  <td>
                    {row ? (
                      <input
                        type="time"
                        aria-label={t('catalogue.closes')}
                        value={row.close === '24:00' ? '23:59' : row.close}
                        onChange={(e) => setDay(d, { close: e.target.value })}
                      />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <button
          type="button"
          className="button button-primary"
          disabled={!hours}
          onClick={() =>
            void run(async () => {
              await api.call('PATCH /api/shops/:id', { params: { id: shopId }, body: { openingHours: current } });
              setHours(null);
            })
          }
        >
          {t('catalogue.saveHours')}
        </button>
      </section>
      <section aria-labelledby="items-title">
        <h3 id="items-title">{t('catalogue.items')}</h3>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('catalogue.photo')}</th>
                <th scope="col">{t('catalogue.name')}</th>
                <th scope="col">{t('catalogue.price')}</th>
                <th scope="col">{t('catalogue.unit')}</th>
                <th scope="col">{t('catalogue.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {cat.data?.items.map((it) => (
                <tr key={it.id}>
                  <td>
                    {it.photoUrl ? (
                      <img src={it.photoUrl} alt={it.name} width={64} height={64} style={{ objectFit: 'cover' }} />
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{it.name}</td>
                  <td>{it.priceYen}円</td>
                  <td>{it.unit}</td>
                  <td>
                    <label className="button button-small">
                      {t('catalogue.uploadPhoto')}
                      <input
                        type="file"
                        accept="image/jpeg,image/png,image/webp"
                        className="visually-hidden"
                        onChange={(e) => {
                          const f = e.target.files?.[0];
                          if (f) void upload(it, f);
                        }}
                      />
                    </label>{' '}
                    <button
                      type="button"
                      className="button button-small button-danger-outline"
                      onClick={() =>
                        void run(() =>
                          api.call('DELETE /api/shops/:id/items/:itemId', { params: { id: shopId, itemId: it.id } }),
                        )
                      }
                    >
                      {t('catalogue.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api.call('POST /api/shops/:id/items', {
                params: { id: shopId },
                body: {
                  name: item.name,
                  priceYen: Number(item.priceYen),
                  unit: item.unit,
                  ...(item.photoUrl ? { photoUrl: item.photoUrl } : {}),
                },
              });
              setItem({ name: '', priceYen: '', unit: '', photoUrl: '' });
            });
          }}
        >
          <h4>{t('catalogue.addItem')}</h4>
          <label>
            {t('catalogue.name')}
            <input
              required
              maxLength={120}
              value={item.name}
              onChange={(e) => setItem({ ...item, name: e.target.value })}
            />
          </label>
          <label>
            {t('catalogue.price')}
            <input
              required
              type="number"
              min={0}
              value={item.priceYen}
              onChange={(e) => setItem({ ...item, priceYen: e.target.value })}
            />
          </label>
          <label>
            {t('catalogue.unit')}
            <input
              required
              maxLength={20}
              value={item.unit}
              onChange={(e) => setItem({ ...item, unit: e.target.value })}
            />
          </label>
          <label>
            {t('catalogue.photoUrl')}
            <input
              type="url"
              maxLength={2000}
              value={item.photoUrl}
              onChange={(e) => setItem({ ...item, photoUrl: e.target.value })}
            />
          </label>
          <button type="submit" className="button button-primary">
            {t('catalogue.add')}
          </button>
        </form>
      </section>
    </LoadState>
  );
}
