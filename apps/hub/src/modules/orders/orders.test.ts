import type { Order, OrderMessage } from '@tsunagu/protocol';
import type { DomainEvents } from '../../lib/events';
import { createTestHub, emitAck, nextEvent, type StaffSession, type TestHub } from '../../testing/harness';
import { createCallsStore } from '../calls/store';

describe('orders', () => {
  let hub: TestHub;
  let op: StaffSession;
  let milk: number;
  /** The household called this shop's line (a finished call); returns the call's id. */
  const called = async (householdId: number, shopId = hub.fixture.shopId) => {
    const calls = createCallsStore(hub.ctx.sql);
    const id = await calls.create({
      shopId,
      householdId,
      terminalId: null,
      direction: 'inbound',
      status: 'connected',
      operatorId: null,
      callbackOf: null,
      now: hub.ctx.clock.now(),
    });
    calls.setStatus(id, 'ended', { endedAt: hub.ctx.clock.now(), endReason: 'hung_up_by_resident' });
    await calls.commit(); // the store writes once per turn of the event loop
    return id;
  };
  beforeAll(async () => {
    hub = await createTestHub();
    op = await hub.login('operator');
    for (const h of hub.fixture.households.slice(0, 3)) await called(h);
    milk = await hub.stores.shops.addItem({
      shopId: hub.fixture.shopId,
      name: '牛乳',
      priceYen: 220,
      unit: '本',
      photoUrl: null,
    });
  });
  afterEach(() => hub.closeSockets());
  afterAll(() => hub.close());

  const create = (who: StaffSession, body: Record<string, unknown>) =>
    hub.as(who)({ method: 'POST', url: '/api/orders', payload: body });
  const draft = async (householdIndex = 0) => {
    const res = await create(op, {
      shopId: hub.fixture.shopId,
      householdId: hub.fixture.households[householdIndex],
      lines: [
        { itemId: milk, quantity: 2 },
        { name: 'お豆腐（絹）', quantity: 1, unit: '丁', priceYen: 120 },
      ],
    });
    expect(res.statusCode).toBe(201);
    return res.json() as Order;
  };

  it('builds an order from catalogue items and free lines, priced from the catalogue', async () => {
    const o = await draft();
    expect(o).toMatchObject({ status: 'draft', totalYen: 560, shopName: 'テストマート' });
    // The shop sees where to deliver and whom to call.
    expect(o).toMatchObject({ deliveryAddress: '東京都三鷹市 1-1-1', deliveryPhone: '0422-00-0000' });
    expect(o.lines[0]).toMatchObject({ itemId: milk, name: '牛乳', unit: '本', priceYen: 220 });
    expect(o.lines[1]).toMatchObject({ itemId: null, name: 'お豆腐（絹）' });
  });

  it('records who changed an order’s lines in the audit log', async () => {
    const o = await draft();
    const res = await hub.as(op)({
      method: 'PUT',
      url: `/api/orders/${o.id}/lines`,
      payload: { lines: [{ itemId: milk, quantity: 3 }] },
    });
    expect(res.statusCode).toBe(200);
    const entry = (await hub.ctx.audit.list({ limit: 5 })).find((e) => e.action === 'order.lines_updated');
    expect(entry).toMatchObject({ actor: expect.stringMatching(/:operator$/), target: `order:${o.id}` });
  });

  it('shop staff take orders only for households that called their line; a call of another shop is refused; the same 404 as for no such household (issue 11, item 5)', async () => {
    const newHousehold = (name: string) =>
      hub.stores.households.create(
        { name, address: '東京都三鷹市 9-9-9', districtId: hub.fixture.districts[0]!, phone: '', residents: [] },
        hub.ctx.clock.now(),
      );
    const stranger = await newHousehold('知らない世帯');
    const lines = [{ name: 'パン', quantity: 1 }];
    const missing = await create(op, { shopId: hub.fixture.shopId, householdId: 999_999, lines });
    expect(missing.statusCode).toBe(404);
    const notYours = await create(op, { shopId: hub.fixture.shopId, householdId: stranger, lines });
    expect(notYours.statusCode).toBe(404);
    expect(notYours.json()).toEqual(missing.json());
    expect(notYours.body).not.toContain((await hub.stores.households.get(stranger))!.name);
    // The stranger's order as this shop's operator, citing a call.
    const strangerOrder = (callId: number) =>
      create(op, { shopId: hub.fixture.shopId, householdId: stranger, callId, lines });
    // A call the household made to another shop does not open this shop's door…
    const elsewhere = await called(stranger, hub.fixture.otherShopId);
    const viaOther = await strangerOrder(elsewhere);
    expect(viaOther.statusCode).toBe(404);
    expect(viaOther.json()).toEqual(missing.json());
    // …nor does one of this shop's calls with another household.
    const ownCall = await called(hub.fixture.households[0]!);
    const wrongHousehold = await strangerOrder(ownCall);
    expect(wrongHousehold.statusCode).toBe(404);
    // Once the household has called this shop, its staff may take its order.
    const ownCallOfStranger = await called(stranger);
    const ok = await strangerOrder(ownCallOfStranger);
    expect(ok.statusCode).toBe(201);
    // City hall may order for any household (and still not with another household's call).
    const ch = await hub.login('cityhall');
    const fresh = await newHousehold('別の世帯');
    expect((await create(ch, { shopId: hub.fixture.shopId, householdId: fresh, lines })).statusCode).toBe(201);
    expect(
      (await create(ch, { shopId: hub.fixture.shopId, householdId: fresh, callId: ownCall, lines })).statusCode,
    ).toBe(404);
  });

  it('refuses items from another shop’s catalogue, free lines without a name, and unknown fields', async () => {
    const other = await hub.stores.shops.addItem({
      shopId: hub.fixture.otherShopId,
      name: '湿布',
      priceYen: 500,
      unit: '箱',
      photoUrl: null,
    });
    const base = { shopId: hub.fixture.shopId, householdId: hub.fixture.households[0] };
    expect((await create(op, { ...base, lines: [{ itemId: other, quantity: 1 }] })).json().error.code).toBe(
      'UNKNOWN_ITEM',
    );
    expect((await create(op, { ...base, lines: [{ quantity: 1 }] })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await create(op, { ...base, lines: [{ name: 'x', quantity: 0 }] })).statusCode).toBe(400);
    expect((await create(op, { ...base, lines: [{ name: 'x', quantity: 1 }], hack: true })).statusCode).toBe(400);
  });

  it('shop staff see and change only their own shop’s orders', async () => {
    const o = await draft();
    const other = await hub.login('other-operator');
    expect(
      (
        await create(other, {
          shopId: hub.fixture.shopId,
          householdId: hub.fixture.households[0],
          lines: [{ name: 'x', quantity: 1 }],
        })
      ).statusCode,
    ).toBe(403);
    expect((await hub.as(other)({ method: 'GET', url: `/api/orders/${o.id}` })).statusCode).toBe(404);
    expect(
      (await hub.as(other)({ method: 'POST', url: `/api/orders/${o.id}/status`, payload: { status: 'cancelled' } }))
        .statusCode,
    ).toBe(404);
    const list = (await hub.as(other)({ method: 'GET', url: '/api/orders' })).json() as { orders: Order[] };
    expect(list.orders.every((x) => x.shopId === hub.fixture.otherShopId)).toBe(true);
    expect((await hub.as(other)({ method: 'GET', url: `/api/orders?shopId=${hub.fixture.shopId}` })).statusCode).toBe(
      404,
    );
    const ch = (await hub.as(await hub.login('cityhall'))({ method: 'GET', url: '/api/orders' })).json() as {
      orders: Order[];
    };
    expect(ch.orders.some((x) => x.id === o.id)).toBe(true);
    expect((await hub.as(await hub.login('watcher'))({ method: 'GET', url: '/api/orders' })).statusCode).toBe(403);
  });

  it('the resident confirms on the terminal (はい); it becomes received and counts as activity', async () => {
    const activity: DomainEvents['household.activity'][] = [];
    hub.ctx.events.on('household.activity', (e) => activity.push(e));
    const { credential } = await hub.enrollTerminal(hub.fixture.households[1]!);
    const t = await hub.connectTerminal(credential);
    const o = await draft(1);
    const msg = nextEvent<OrderMessage>(t, 'order:message');
    expect((await hub.as(op)({ method: 'POST', url: `/api/orders/${o.id}/send` })).json()).toMatchObject({
      status: 'awaiting_confirmation',
    });
    const m = await msg;
    expect(m).toMatchObject({ kind: 'confirm_request', order: { id: o.id, totalYen: 560 } });
    await emitAck(t, 'order:ack', { messageIds: [m.messageId] });
    const r = await emitAck<{ ok: boolean; data: Order }>(t, 'order:respond', { orderId: o.id, accept: true });
    expect(r).toMatchObject({ ok: true, data: { status: 'received' } });
    expect(activity).toContainEqual(
      expect.objectContaining({ householdId: hub.fixture.households[1], kind: 'order_confirmed' }),
    );
    expect(await emitAck(t, 'order:respond', { orderId: o.id, accept: true })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });
    // The terminal asks where its order is.
    const list = await emitAck<{ ok: true; data: { orders: Order[] } }>(t, 'order:list', {});
    expect(list.data.orders.find((x) => x.id === o.id)).toMatchObject({ status: 'received' });
  });

  it('いいえ sends the order back to the shop as a draft; another household cannot answer it', async () => {
    const { credential } = await hub.enrollTerminal(hub.fixture.households[2]!);
    const t = await hub.connectTerminal(credential);
    const o = await draft(0);
    await hub.as(op)({ method: 'POST', url: `/api/orders/${o.id}/send` });
    expect(await emitAck(t, 'order:respond', { orderId: o.id, accept: true })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const t0 = await hub.terminal(0);
    expect(await emitAck(t0, 'order:respond', { orderId: o.id, accept: false })).toMatchObject({
      ok: true,
      data: { status: 'draft' },
    });
  });

  it('moves only through valid transitions; delivery records how the resident seemed', async () => {
    const concerns: DomainEvents['household.concern'][] = [];
    const activity: DomainEvents['household.activity'][] = [];
    hub.ctx.events.on('household.concern', (e) => concerns.push(e));
    hub.ctx.events.on('household.activity', (e) => activity.push(e));
    const api = hub.as(op);
    const o = await draft(0);
    const status = (s: string) => api({ method: 'POST', url: `/api/orders/${o.id}/status`, payload: { status: s } });
    expect((await status('preparing')).json().error.code).toBe('INVALID_TRANSITION'); // not confirmed yet
    await api({ method: 'POST', url: `/api/orders/${o.id}/send` });
    const svc = hub.capabilities.orders as import('./service').OrdersService;
    await svc.respond(hub.fixture.households[0]!, o.id, true);
    expect(
      (await api({ method: 'POST', url: `/api/orders/${o.id}/deliver`, payload: { wellbeing: 'well' } })).json().error
        .code,
    ).toBe('INVALID_TRANSITION');
    expect((await status('preparing')).json().status).toBe('preparing');
    expect((await status('out_for_delivery')).json().status).toBe('out_for_delivery');
    expect((await status('delivered')).statusCode).toBe(400); // only through /deliver
    const noNote = await api({ method: 'POST', url: `/api/orders/${o.id}/deliver`, payload: { wellbeing: 'concern' } });
    expect(noNote.json().error.code).toBe('VALIDATION_FAILED');
    const d = await api({
      method: 'POST',
      url: `/api/orders/${o.id}/deliver`,
      payload: { wellbeing: 'concern', note: '足を引きずっていた' },
    });
    expect(d.json()).toMatchObject({ status: 'delivered', wellbeing: 'concern', deliveryNote: '足を引きずっていた' });
    expect(concerns).toEqual([
      expect.objectContaining({ householdId: hub.fixture.households[0], note: '足を引きずっていた' }),
    ]);
    // The watch module turns it into an alert for the household's watcher.
    const watcherAlerts = (
      await hub.as(await hub.login('watcher'))({ method: 'GET', url: '/api/watch/alerts?state=active' })
    ).json();
    expect(JSON.stringify(watcherAlerts)).toContain('足を引きずっていた');
    expect((await status('cancelled')).json().error.code).toBe('INVALID_TRANSITION');

    const o2 = await draft(1);
    await api({ method: 'POST', url: `/api/orders/${o2.id}/send` });
    await svc.respond(hub.fixture.households[1]!, o2.id, true);
    await api({ method: 'POST', url: `/api/orders/${o2.id}/status`, payload: { status: 'preparing' } });
    await api({ method: 'POST', url: `/api/orders/${o2.id}/status`, payload: { status: 'out_for_delivery' } });
    await api({ method: 'POST', url: `/api/orders/${o2.id}/deliver`, payload: { wellbeing: 'well' } });
    expect(activity).toContainEqual(
      expect.objectContaining({ householdId: hub.fixture.households[1], kind: 'delivery_well' }),
    );
  });

  it('status messages are stored first; a terminal that was away gets what it missed until it acknowledges', async () => {
    const hh = hub.fixture.households[2]!;
    const { credential } = await hub.enrollTerminal(hh);
    const o = await draft(2);
    const api = hub.as(op);
    await api({ method: 'POST', url: `/api/orders/${o.id}/send` }); // terminal offline
    const t = await hub.connectTerminal(credential);
    // Messages sent on connection may arrive before our listener: collect from the start.
    const got: OrderMessage[] = [];
    const t2 = await (async () => {
      t.close();
      const s = hub.terminalSocket(credential);
      s.on('order:message', (m: OrderMessage) => got.push(m));
      await new Promise<void>((r) => s.once('connect', () => r()));
      return s;
    })();
    await new Promise((r) => setTimeout(r, 200));
    expect(got.map((m) => m.kind)).toEqual(['confirm_request']);
    await emitAck(t2, 'order:respond', { orderId: o.id, accept: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(got.map((m) => m.kind)).toEqual(['confirm_request', 'status']);
    expect(await emitAck(t2, 'order:ack', { messageIds: [got[0]!.messageId] })).toEqual({
      ok: true,
      data: { acknowledged: 1 },
    });
    t2.close();
    const again: OrderMessage[] = [];
    const t3 = hub.terminalSocket(credential);
    t3.on('order:message', (m: OrderMessage) => again.push(m));
    await new Promise<void>((r) => t3.once('connect', () => r()));
    await new Promise((r) => setTimeout(r, 200));
    expect(again.map((m) => [m.kind, m.order.status])).toEqual([['status', 'received']]);
    // Another household cannot acknowledge this household's messages.
    const other = await hub.terminal(1);
    expect(await emitAck(other, 'order:ack', { messageIds: [again[0]!.messageId] })).toEqual({
      ok: true,
      data: { acknowledged: 0 },
    });
  });
});
