import { as, enrollTerminal, login, onePixelPng as png, type TestHub, withHub } from '../../testing/harness';

describe('shop and catalogue management', () => {
  let hub: TestHub;
  withHub('all', (made) => (hub = made));

  const hours = [{ day: 1, open: '09:00', close: '18:00' }];

  it('city hall creates shops and the listening line; others cannot', async () => {
    const ch = as(hub, await login(hub, 'cityhall'));
    const res = await ch({
      method: 'POST',
      url: '/api/shops',
      payload: { name: '新しい八百屋', category: 'greengrocer', kind: 'shop', openingHours: hours },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: '新しい八百屋', openingHours: hours });
    const op = as(hub, await login(hub, 'operator'));
    expect(
      (
        await op({
          method: 'POST',
          url: '/api/shops',
          payload: { name: 'x', category: 'x', kind: 'shop', openingHours: [] },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await ch({
          method: 'POST',
          url: '/api/shops',
          payload: { name: 'x', category: 'x', kind: 'shop', openingHours: [{ day: 9, open: '25:00', close: '1' }] },
        })
      ).statusCode,
    ).toBe(400);
    // A terminal's profile lists it at once; archived shops disappear from the lists terminals see.
    const { credential } = await enrollTerminal(hub, hub.fixture.households[0]!);
    const shopsOnTerminal = async () =>
      (await as(hub, { bearer: credential })({ method: 'GET', url: '/api/terminal/profile' }))
        .json()
        .shops.map((s: { name: string }) => s.name);
    expect(await shopsOnTerminal()).toContain('新しい八百屋');
    const id = res.json().id;
    expect((await ch({ method: 'DELETE', url: `/api/shops/${id}` })).statusCode).toBe(200);
    expect((await hub.stores.shops.list()).some((s) => s.id === id)).toBe(false);
    expect(await shopsOnTerminal()).not.toContain('新しい八百屋');
  });

  it('a shop’s own staff edit its hours and catalogue; other shops’ staff cannot', async () => {
    const op = as(hub, await login(hub, 'operator'));
    const other = as(hub, await login(hub, 'other-operator'));
    const shopId = hub.fixture.shopId;
    /** Adds an item to this shop as `who`: the answer's status. */
    const addItem = async (who: typeof op, payload: Record<string, unknown>) =>
      (await who({ method: 'POST', url: `/api/shops/${shopId}/items`, payload })).statusCode;
    expect(
      (await op({ method: 'PATCH', url: `/api/shops/${shopId}`, payload: { openingHours: hours } })).json(),
    ).toMatchObject({ openingHours: hours });
    expect(
      (await other({ method: 'PATCH', url: `/api/shops/${shopId}`, payload: { name: 'のっとり' } })).statusCode,
    ).toBe(403);
    const add = await op({
      method: 'POST',
      url: `/api/shops/${shopId}/items`,
      payload: { name: 'りんご', priceYen: 150, unit: '個', photoUrl: 'https://example.org/apple.jpg' },
    });
    expect(add.statusCode).toBe(201);
    const item = add.json();
    expect(item).toMatchObject({ name: 'りんご', photoUrl: 'https://example.org/apple.jpg' });
    expect(await addItem(other, { name: 'x', priceYen: 1, unit: '個' })).toBe(403);
    expect(await addItem(op, { name: 'x', priceYen: -1, unit: '個' })).toBe(400);
    expect(await addItem(op, { name: 'x', priceYen: 1, unit: '個', photoUrl: 'javascript:alert(1)' })).toBe(400);
    expect(
      (await op({ method: 'PATCH', url: `/api/shops/${shopId}/items/${item.id}`, payload: { priceYen: 180 } })).json(),
    ).toMatchObject({ priceYen: 180 });
    const cat = (await op({ method: 'GET', url: `/api/shops/${shopId}/catalogue` })).json();
    expect(cat.items.map((i: { name: string }) => i.name)).toContain('りんご');
    expect((await op({ method: 'DELETE', url: `/api/shops/${shopId}/items/${item.id}` })).statusCode).toBe(200);
    expect((await hub.stores.shops.items(shopId)).some((i) => i.id === item.id)).toBe(false);
  });

  it('uploads item photos (checked by their bytes) and serves them', async () => {
    const op = as(hub, await login(hub, 'operator'));
    const shopId = hub.fixture.shopId;
    const item = (
      await op({
        method: 'POST',
        url: `/api/shops/${shopId}/items`,
        payload: { name: '卵', priceYen: 250, unit: 'パック' },
      })
    ).json();
    const up = await op({
      method: 'PUT',
      url: `/api/shops/${shopId}/items/${item.id}/photo`,
      headers: { 'content-type': 'image/png' },
      payload: png(),
    });
    expect(up.statusCode).toBe(200);
    expect(up.json().photoUrl).toMatch(new RegExp(`^/api/shop-photos/${item.id}\\?v=`));
    const img = await hub.app.inject({ method: 'GET', url: up.json().photoUrl });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.rawPayload.equals(png())).toBe(true);
    const fake = await op({
      method: 'PUT',
      url: `/api/shops/${shopId}/items/${item.id}/photo`,
      headers: { 'content-type': 'image/png' },
      payload: Buffer.from('<svg onload=alert(1)>'),
    });
    expect(fake.statusCode).toBe(415);
    expect(fake.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const other = as(hub, await login(hub, 'other-operator'));
    expect(
      (
        await other({
          method: 'PUT',
          url: `/api/shops/${shopId}/items/${item.id}/photo`,
          headers: { 'content-type': 'image/png' },
          payload: png(),
        })
      ).statusCode,
    ).toBe(403);
    const big = await op({
      method: 'PUT',
      url: `/api/shops/${shopId}/items/${item.id}/photo`,
      headers: { 'content-type': 'image/png' },
      payload: Buffer.concat([png(), Buffer.alloc(3 * 1024 * 1024)]),
    });
    expect(big.statusCode).toBe(413);
  });
});
