/**
 * The orders store on both engines: an order and its lines stored all or none, lists with their
 * lines, each state change once (a conditional update: of two at once from the same state, one
 * happens) with the terminal's message stored in the same unit of work, lines replaced only before
 * the resident confirmed, and messages acknowledged once, by their own household only.
 */
import type { OrderLine } from '@tsunagu/protocol';
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { createOrdersStore, type OrdersStore } from './store';

const CHECK = /CHECK|check constraint/;
const REFERENCE = /FOREIGN KEY|foreign key/;

const line = (name: string, quantity = 1, priceYen: number | null = 100): OrderLine => ({
  itemId: null,
  name,
  quantity,
  unit: '個',
  priceYen,
  photoUrl: null,
});

describe.each(ENGINES)('orders store on %s', (engine) => {
  let db: EngineDb;
  let store: OrdersStore;
  let shopId: number;
  let otherShopId: number;

  const newShop = async (name: string) =>
    Number(
      (
        await db.query<{ id: number }>(
          "INSERT INTO shops (name, category, kind, created_at) VALUES (?, 'grocery', 'shop', 0) RETURNING id",
          [name],
        )
      )[0]!.id,
    );
  const draft = async (householdId: number, lines = [line('牛乳'), line('卵', 2)], now = 1000, shop = shopId) =>
    store.create({ shopId: shop, householdId, callId: null, note: '', createdBy: null, now, lines });
  const messages = async (orderId: number) =>
    (await db.query<{ kind: string }>('SELECT kind FROM order_messages WHERE order_id = ? ORDER BY id', [orderId])).map(
      (m) => m.kind,
    );

  /** The shop sends the order to the terminal (its confirm request stored with it). */
  const sendToTerminal = (id: number) =>
    store.transition({ id, from: 'draft', to: 'awaiting_confirmation', now: 2000, tell: 'confirm_request' });
  /** The resident's はい at 3000 (with `tell`, the status message stored with it). */
  const confirm = (id: number, tell?: 'status') =>
    store.transition({
      id,
      from: 'awaiting_confirmation',
      to: 'received',
      now: 3000,
      patch: { confirmedAt: 3000 },
      tell,
    });

  beforeAll(async () => {
    db = await openEngine(engine);
    store = createOrdersStore(engineSql(db));
    shopId = await newShop('みどりマート');
    otherShopId = await newShop('さくら薬局');
  });
  afterAll(() => db.close());

  it('stores an order and its lines in one unit of work, all or none', async () => {
    const householdId = await db.newHousehold();
    const id = await draft(householdId, [line('牛乳'), line('食パン', 2, null)], 1234);
    expect(await store.get(id)).toEqual({
      id,
      shopId,
      householdId,
      callId: null,
      status: 'draft',
      note: '',
      createdBy: null,
      createdAt: 1234,
      confirmedAt: null,
      updatedAt: 1234,
      wellbeing: null,
      deliveryNote: '',
      lines: [line('牛乳'), line('食パン', 2, null)],
    });
    expect(await store.get(id + 1000)).toBeUndefined();

    // A line the database refuses (quantity 1–99) stores no order either.
    const before = await db.query('SELECT id FROM orders');
    await expect(draft(householdId, [line('米'), line('水', 100)])).rejects.toMatchObject(refused(CHECK));
    expect(await db.query('SELECT id FROM orders')).toEqual(before);
    // An order refers to a shop and a household that exist.
    await expect(draft(householdId, [line('米')], 1000, 999_999)).rejects.toMatchObject(refused(REFERENCE));
  });

  it('lists orders newest first with their own lines, filtered by shops, household and status', async () => {
    const a = await db.newHousehold();
    const b = await db.newHousehold();
    const first = await draft(a, [line('りんご')], 10);
    const second = await draft(a, [line('みかん', 3), line('バナナ')], 20);
    const third = await draft(b, [line('豆腐')], 30, otherShopId);
    await store.transition({ id: second, from: 'draft', to: 'awaiting_confirmation', now: 25 });

    const ofA = await store.list({ householdId: a, limit: 10 });
    expect(ofA.map((o) => [o.id, o.lines.map((l) => l.name)])).toEqual([
      [second, ['みかん', 'バナナ']],
      [first, ['りんご']],
    ]);
    expect((await store.list({ householdId: a, limit: 1 })).map((o) => o.id)).toEqual([second]);
    expect((await store.list({ householdId: a, excludeDrafts: true, limit: 10 })).map((o) => o.id)).toEqual([second]);
    expect((await store.list({ householdId: a, status: 'draft', limit: 10 })).map((o) => o.id)).toEqual([first]);
    expect((await store.list({ shopIds: [otherShopId], limit: 10 })).map((o) => o.id)).toEqual([third]);
    const both = await store.list({ shopIds: [shopId, otherShopId], limit: 100 });
    expect(both.map((o) => o.id)).toEqual(expect.arrayContaining([first, second, third]));
    expect(await store.list({ shopIds: [], limit: 10 })).toEqual([]);
  });

  it('changes a state once: of two changes at once from the same state, one happens, with its message', async () => {
    const householdId = await db.newHousehold();
    const id = await draft(householdId);
    // From a state the order is not in: nothing changes, no message.
    expect(await store.transition({ id, from: 'received', to: 'preparing', now: 2000, tell: 'status' })).toBeNull();
    expect(await store.get(id)).toMatchObject({ status: 'draft', updatedAt: 1000 });
    expect(await messages(id)).toEqual([]);

    const sent = await sendToTerminal(id);
    expect(sent).toEqual({ messageId: expect.any(Number) });
    expect(await store.pendingMessages(householdId)).toEqual([
      { id: sent!.messageId, orderId: id, householdId, kind: 'confirm_request' },
    ]);

    // はい and いいえ at once (two taps, two hubs): one answer is stored.
    const answers = await Promise.all([
      confirm(id, 'status'),
      store.transition({ id, from: 'awaiting_confirmation', to: 'draft', now: 3000 }),
    ]);
    expect(answers.filter((x) => x !== null)).toHaveLength(1);
    const after = (await store.get(id))!;
    if (answers[0]) {
      expect(after).toMatchObject({ status: 'received', confirmedAt: 3000 });
      expect(await messages(id)).toEqual(['confirm_request', 'status']);
    } else {
      expect(after).toMatchObject({ status: 'draft', confirmedAt: null });
      expect(await messages(id)).toEqual(['confirm_request']);
    }
  });

  it('stores a state change and its message all or none, and delivery with how the resident seemed', async () => {
    const householdId = await db.newHousehold();
    const id = await draft(householdId);
    await store.transition({ id, from: 'draft', to: 'awaiting_confirmation', now: 2000 });
    // The message is refused after the update: the update is rolled back with it.
    await expect(
      store.transition({ id, from: 'awaiting_confirmation', to: 'received', now: 3000, tell: 'bogus' as never }),
    ).rejects.toMatchObject(refused(CHECK));
    expect(await store.get(id)).toMatchObject({ status: 'awaiting_confirmation', updatedAt: 2000 });
    expect(await messages(id)).toEqual([]);

    await confirm(id);
    await store.transition({ id, from: 'received', to: 'preparing', now: 4000 });
    await store.transition({ id, from: 'preparing', to: 'out_for_delivery', now: 5000 });
    // Delivered says how the resident seemed (the database insists).
    await expect(store.transition({ id, from: 'out_for_delivery', to: 'delivered', now: 6000 })).rejects.toMatchObject(
      refused(CHECK),
    );
    const done = await store.transition({
      id,
      from: 'out_for_delivery',
      to: 'delivered',
      now: 6000,
      patch: { wellbeing: 'concern', deliveryNote: '咳をしていた' },
      tell: 'status',
    });
    expect(done).toEqual({ messageId: expect.any(Number) });
    expect(await store.get(id)).toMatchObject({
      status: 'delivered',
      confirmedAt: 3000,
      updatedAt: 6000,
      wellbeing: 'concern',
      deliveryNote: '咳をしていた',
    });
  });

  it('replaces lines only before the resident confirmed: back to a draft, all or none', async () => {
    const householdId = await db.newHousehold();
    const id = await draft(householdId);
    await store.transition({ id, from: 'draft', to: 'awaiting_confirmation', now: 2000 });
    expect(await store.replaceLines(id, [line('ヨーグルト', 4)], '午後に', 2500)).toBe(true);
    expect(await store.get(id)).toMatchObject({
      status: 'draft',
      note: '午後に',
      updatedAt: 2500,
      lines: [line('ヨーグルト', 4)],
    });
    // No note given: the note stays.
    expect(await store.replaceLines(id, [line('納豆')], undefined, 2600)).toBe(true);
    expect(await store.get(id)).toMatchObject({ note: '午後に', lines: [line('納豆')] });

    // A line refused: the old lines and state stay.
    await store.transition({ id, from: 'draft', to: 'awaiting_confirmation', now: 2700 });
    await expect(store.replaceLines(id, [line('牛乳'), line('水', 0)], 'x', 2800)).rejects.toMatchObject(
      refused(CHECK),
    );
    expect(await store.get(id)).toMatchObject({
      status: 'awaiting_confirmation',
      note: '午後に',
      lines: [line('納豆')],
    });

    // Confirmed: nothing changes any more.
    await confirm(id);
    expect(await store.replaceLines(id, [line('牛乳')], 'y', 3100)).toBe(false);
    expect(await store.get(id)).toMatchObject({ status: 'received', note: '午後に', lines: [line('納豆')] });

    // Two edits of one order at once: both are whole, one after the other.
    const other = await draft(householdId);
    await Promise.all([
      store.replaceLines(other, [line('a'), line('b')], 'one', 4000),
      store.replaceLines(other, [line('c')], 'two', 4000),
    ]);
    const edited = (await store.get(other))!;
    expect([
      ['one', ['a', 'b']],
      ['two', ['c']],
    ]).toContainEqual([edited.note, edited.lines.map((l) => l.name)]);
  });

  it('keeps messages until acknowledged, once, and only by their own household', async () => {
    const householdId = await db.newHousehold();
    const stranger = await db.newHousehold();
    const id = await draft(householdId);
    const m1 = (await sendToTerminal(id))!;
    const m2 = (await confirm(id, 'status'))!;
    expect((await store.pendingMessages(householdId)).map((m) => [m.id, m.kind])).toEqual([
      [m1.messageId, 'confirm_request'],
      [m2.messageId, 'status'],
    ]);
    expect(await store.ackMessages(stranger, [m1.messageId!, m2.messageId!], 4000)).toBe(0);
    expect(await store.ackMessages(householdId, [], 4000)).toBe(0);
    const twice = await Promise.all([
      store.ackMessages(householdId, [m1.messageId!], 4000),
      store.ackMessages(householdId, [m1.messageId!], 4000),
    ]);
    expect(twice.sort()).toEqual([0, 1]);
    expect((await store.pendingMessages(householdId)).map((m) => m.id)).toEqual([m2.messageId]);
    expect(await store.ackMessages(householdId, [m1.messageId!, m2.messageId!], 5000)).toBe(1);
    expect(await store.pendingMessages(householdId)).toEqual([]);
  });
});
