/**
 * Shops and their catalogues: city hall adds shops (and the listening line) and edits any of them;
 * shop staff edit their own shop's opening hours and items. Item photos are uploaded or given by URL.
 */
import type { CatalogueItem, OpeningHours } from '@tsunagu/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session';
import { DataTable, RowButton } from '../../shell/DataTable';
import { SelectField, TextField, useFormFields } from '../../shell/form';
import { Page } from '../../shell/Page';
import { ErrorMessage, LoadState, useAction, useLoad } from '../../shell/ui';

const DAYS = [0, 1, 2, 3, 4, 5, 6];

export function CataloguePage() {
  const { t } = useTranslation();
  const { api, user } = useSession();
  const isCityhall = user.role === 'cityhall';
  const shops = useLoad(() => api.call('GET /api/shops'), []);
  const [selected, setSelected] = useState<number | null>(user.shopId);
  const shopId = selected ?? shops.data?.shops[0]?.id ?? null;
  const emptyShop = { name: '', category: '', kind: 'shop' as 'shop' | 'listening' };
  const newShop = useFormFields(emptyShop);
  const action = useAction();
  const { run } = action;

  return (
    <Page id="catalogue" title={t('catalogue.title')} testId="catalogue-page">
      <ErrorMessage error={action.error} />
      <LoadState state={shops}>
        {isCityhall ? (
          <>
            <SelectField
              label={t('catalogue.shop')}
              value={shopId ?? 0}
              onChange={setSelected}
              data-testid="catalogue-shop"
              options={(shops.data?.shops ?? []).map((s) => ({ value: s.id, label: s.name }))}
            />
            <form
              className="form"
              onSubmit={(e) => {
                e.preventDefault();
                void run(async () => {
                  const s = await api.call('POST /api/shops', { body: { ...newShop.values, openingHours: [] } });
                  newShop.reset(emptyShop);
                  shops.reload();
                  setSelected(s.id);
                });
              }}
            >
              <h2>{t('catalogue.newShop')}</h2>
              <TextField label={t('catalogue.name')} {...newShop.field('name')} required maxLength={120} />
              <TextField label={t('catalogue.category')} {...newShop.field('category')} required maxLength={60} />
              <SelectField
                label={t('catalogue.kind')}
                {...newShop.field('kind')}
                options={[
                  { value: 'shop', label: t('catalogue.kindShop') },
                  { value: 'listening', label: t('catalogue.kindListening') },
                ]}
              />
              <button type="submit" className="button button-primary">
                {t('catalogue.create')}
              </button>
            </form>
          </>
        ) : null}
        {shopId !== null ? <ShopEditor key={shopId} shopId={shopId} onError={action.setError} /> : null}
      </LoadState>
    </Page>
  );
}

function ShopEditor({ shopId, onError }: { shopId: number; onError: (e: unknown) => void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const cat = useLoad(() => api.call('GET /api/shops/:id/catalogue', { params: { id: shopId } }), [shopId]);
  const [hours, setHours] = useState<OpeningHours | null>(null);
  const emptyItem = { name: '', priceYen: '', unit: '', photoUrl: '' };
  const itemForm = useFormFields(emptyItem);
  const item = itemForm.values;
  const current = hours ?? cat.data?.shop.openingHours ?? [];
  // The listening line is a line people call, not a shop: hours are 受付 (taking calls), no items or prices.
  const line = cat.data?.shop.kind === 'listening';
  const w = (key: 'hours' | 'open' | 'opens' | 'closes' | 'saveHours') =>
    t(line ? `catalogue.line.${key}` : `catalogue.${key}`);
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
        <h2 id="hours-title">
          {cat.data?.shop.name}：{w('hours')}
        </h2>
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
                      {w('open')}
                    </label>
                  </td>
                  <TimeCell label={w('opens')} value={row?.open} onChange={(open) => setDay(d, { open })} />
                  <TimeCell
                    label={w('closes')}
                    value={row && (row.close === '24:00' ? '23:59' : row.close)}
                    onChange={(close) => setDay(d, { close })}
                  />
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
          {w('saveHours')}
        </button>
      </section>
      {line ? (
        <p data-testid="listening-line-note">{t('catalogue.line.note')}</p>
      ) : (
        <section aria-labelledby="items-title">
          <h2 id="items-title">{t('catalogue.items')}</h2>
          <DataTable
            caption={t('catalogue.items')}
            rows={cat.data?.items ?? []}
            columns={[
              {
                header: t('catalogue.photo'),
                cell: (it) =>
                  it.photoUrl ? (
                    <img src={it.photoUrl} alt={it.name} width={64} height={64} style={{ objectFit: 'cover' }} />
                  ) : (
                    '—'
                  ),
              },
              { header: t('catalogue.name'), rowHeader: true, cell: (it) => it.name },
              { header: t('catalogue.price'), cell: (it) => `${it.priceYen}円` },
              { header: t('catalogue.unit'), cell: (it) => it.unit },
              {
                header: t('catalogue.actions'),
                className: 'actions',
                cell: (it) => (
                  <>
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
                    </label>
                    <RowButton
                      label={t('catalogue.remove')}
                      name={it.name}
                      danger
                      onClick={() =>
                        void run(() =>
                          api.call('DELETE /api/shops/:id/items/:itemId', { params: { id: shopId, itemId: it.id } }),
                        )
                      }
                    />
                  </>
                ),
              },
            ]}
          />
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
                itemForm.reset(emptyItem);
              });
            }}
          >
            <h3>{t('catalogue.addItem')}</h3>
            <TextField label={t('catalogue.name')} {...itemForm.field('name')} required maxLength={120} />
            <TextField label={t('catalogue.price')} {...itemForm.field('priceYen')} required type="number" min={0} />
            <TextField label={t('catalogue.unit')} {...itemForm.field('unit')} required maxLength={20} />
            <TextField label={t('catalogue.photoUrl')} {...itemForm.field('photoUrl')} type="url" maxLength={2000} />
            <button type="submit" className="button button-primary">
              {t('catalogue.add')}
            </button>
          </form>
        </section>
      )}
    </LoadState>
  );
}

/** A day's opening or closing time (an empty cell on a day the shop is closed). */
function TimeCell(props: { label: string; value: string | undefined; onChange(value: string): void }) {
  return (
    <td>
      {props.value === undefined ? null : (
        <input
          type="time"
          aria-label={props.label}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </td>
  );
}
