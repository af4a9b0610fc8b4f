/**
 * The notifications store on both engines: settings and opt-ins one row each, the disaster team,
 * push devices unique by endpoint, the hub's keys agreed by two hubs starting at once, deliveries
 * stored all or none and once per alert, level, person, channel and address (two hubs at once: once), each attempt claimed by one sender (two at once: one), attempts recorded only
 * while pending, an alert settled once, and a link used once.
 */
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { newAlert as createAlert, newUser as createUser } from './fixtures';
import { createNotificationsStore, type NewDelivery, type NotificationsStore } from './store';

const UNIQUE = /UNIQUE|unique|duplicate key/;
const CHECK = /CHECK|check constraint/;
const REFERENCE = /FOREIGN KEY|foreign key/;

describe.each(ENGINES)('notifications store on %s', (engine) => {
  let db: EngineDb;
  let store: NotificationsStore;
  let n = 0;

  const newUser = (role?: string, disabled?: number) => createUser(db, role, disabled);
  const newAlert = (on = db) => createAlert(on);
  const delivery = (alertId: number, userId: number, extra: Partial<NewDelivery> = {}): NewDelivery => ({
    alertId,
    userId,
    channel: 'mail',
    address: `${userId}@example.city`,
    level: 1,
    now: 10_000,
    ...extra,
  });
  const statuses = async (alertId: number) => (await store.deliveriesOf(alertId)).map((d) => d.status);

  beforeAll(async () => {
    db = await openEngine(engine);
    store = createNotificationsStore(engineSql(db));
  });
  afterAll(() => db.close());

  it('keeps one setting and one opt-in per person and channel; the disaster team is enabled city hall staff who joined', async () => {
    const watcher = await newUser();
    expect(await store.optIn(watcher, 'mail')).toBeNull();
    await store.setOptIn(watcher, 'mail', { enabled: true, address: 'a@example.city' }, 1);
    await store.setOptIn(watcher, 'mail', { enabled: false, address: 'b@example.city' }, 2);
    await store.setOptIn(watcher, 'push', { enabled: true, address: null }, 2);
    expect(await store.optIn(watcher, 'mail')).toEqual({ enabled: false, address: 'b@example.city' });
    expect(await store.optIn(watcher, 'push')).toEqual({ enabled: true, address: null });
    await expect(store.setOptIn(watcher, 'NOT A CHANNEL', { enabled: true, address: null }, 3)).rejects.toMatchObject(
      refused(CHECK),
    );

    const staff = await newUser('cityhall');
    const gone = await newUser('cityhall', 1);
    expect(await store.disasterSupport(staff)).toBe(false);
    for (const id of [staff, gone, watcher]) await store.setDisasterSupport(id, true, 5);
    await store.setDisasterSupport(staff, true, 6);
    expect(await store.disasterSupport(staff)).toBe(true);
    expect(await store.disasterTeam()).toEqual([staff]);
    await store.setDisasterSupport(staff, false, 7);
    expect(await store.disasterTeam()).toEqual([]);
  });

  it('keeps a push device once per endpoint: the same browser for someone else moves it, with fresh keys', async () => {
    const a = await newUser();
    const b = await newUser();
    const endpoint = `https://push.example/${++n}`;
    const first = await store.saveDevice({
      userId: a,
      endpoint,
      p256dh: 'k1',
      auth: 'a1',
      label: '電話',
      createdAt: 1,
    });
    await store.deviceSucceeded(first.id, 50);
    expect(await store.devices(a)).toEqual([{ ...first, lastSuccessAt: 50 }]);
    const again = { userId: b, endpoint, p256dh: 'k2', auth: 'a2', label: 'タブレット', createdAt: 2 };
    const moved = await store.saveDevice(again);
    expect(moved).toEqual({ ...again, id: first.id, lastSuccessAt: null });
    expect(await store.devices(a)).toEqual([]);
    expect(await store.device(first.id)).toEqual(moved);
    await expect(
      db.query(
        "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, 'k', 'a', 0)",
        [a, endpoint],
      ),
    ).rejects.toMatchObject(refused(UNIQUE));
    expect(await store.deleteDevice(first.id)).toBe(true);
    expect(await store.deleteDevice(first.id)).toBe(false);
    expect(await store.device(first.id)).toBeUndefined();
  });

  it('stores a key once: two hubs starting at once with different keys both get the one stored', async () => {
    expect(await store.key('link_secret')).toBeNull();
    const [one, two] = await Promise.all([
      store.ensureKey('link_secret', 'secret-a', 1),
      store.ensureKey('link_secret', 'secret-b', 1),
    ]);
    expect(one).toBe(two);
    expect(await store.key('link_secret')).toBe(one);
    expect(await store.ensureKey('link_secret', 'secret-c', 2)).toBe(one);
  });

  it('stores deliveries all or none, pending and due at once, listed with the person’s name', async () => {
    const alertId = await newAlert();
    const a = await newUser();
    const b = await newUser();
    // One delivery the database refuses (nobody with that id): none stored.
    await expect(store.createDeliveries([delivery(alertId, a), delivery(alertId, 999_999)])).rejects.toMatchObject(
      refused(REFERENCE),
    );
    expect(await store.deliveriesOf(alertId)).toEqual([]);

    const ids = await store.createDeliveries([
      delivery(alertId, a),
      delivery(alertId, b, { channel: 'push', address: '7' }),
    ]);
    expect(ids).toHaveLength(2);
    expect(await store.delivery(ids[0]!)).toEqual({
      id: ids[0],
      alertId,
      userId: a,
      channel: 'mail',
      address: `${a}@example.city`,
      level: 1,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: 10_000,
      lastError: null,
      createdAt: 10_000,
      sentAt: null,
      acknowledgedAt: null,
      linkUsedAt: null,
    });
    expect((await store.deliveriesOf(alertId)).map((d) => [d.id, d.userName])).toEqual([
      [ids[0], expect.stringMatching(/^利用者/)],
      [ids[1], expect.stringMatching(/^利用者/)],
    ]);
    expect((await store.due(10_000)).map((d) => d.id)).toEqual(expect.arrayContaining(ids));
    expect((await store.due(9_999)).map((d) => d.id)).not.toContain(ids[0]);
  });

  it('stores a delivery once per alert, level, person, channel and address, also from two hubs at once', async () => {
    const alertId = await newAlert();
    const a = await newUser();
    const b = await newUser();
    const [first] = await store.createDeliveries([delivery(alertId, a)]);
    await store.attempted(first!, { status: 'sent', at: 11_000, error: null, nextAttemptAt: null });
    // The same level heard again (after a restart, or on another hub): nothing new to send.
    expect(await store.createDeliveries([delivery(alertId, a, { now: 20_000 })])).toEqual([]);
    expect(await store.delivery(first!)).toMatchObject({ status: 'sent', createdAt: 10_000 });
    // Two hubs storing the same list at once: each delivery is stored, and returned, once.
    const list = [
      delivery(alertId, b),
      delivery(alertId, b, { channel: 'push', address: '1' }),
      delivery(alertId, b, { channel: 'push', address: '2' }),
    ];
    const [one, two] = await Promise.all([store.createDeliveries(list), store.createDeliveries(list)]);
    expect([...one!, ...two!].sort()).toEqual(
      (await store.deliveriesOf(alertId))
        .slice(1)
        .map((d) => d.id)
        .sort(),
    );
    expect([...one!, ...two!]).toHaveLength(3);
    // A new level, another channel or address: stored.
    expect(await store.createDeliveries([delivery(alertId, a, { level: 2 })])).toHaveLength(1);
    expect(await store.createDeliveries([delivery(alertId, a, { channel: 'push', address: '1' })])).toHaveLength(1);
    expect((await store.deliveriesOf(alertId)).map((d) => [d.userId, d.level, d.channel])).toEqual([
      [a, 1, 'mail'],
      [b, 1, 'mail'],
      [b, 1, 'push'],
      [b, 1, 'push'],
      [a, 2, 'mail'],
      [a, 1, 'push'],
    ]);
  });

  it('lets one sender claim an attempt; records attempts only while pending, with the next one when tried again', async () => {
    const alertId = await newAlert();
    const [id] = await store.createDeliveries([delivery(alertId, await newUser())]);
    // Not due yet: nobody takes it.
    expect(await store.claim(id!, 9_000, 9_000 + 120_000)).toBeNull();
    // Two hubs at once: one takes it; it is not due again until the claim runs out.
    const claims = await Promise.all([store.claim(id!, 10_000, 130_000), store.claim(id!, 10_000, 130_000)]);
    expect(claims.filter((c) => c !== null)).toEqual([
      expect.objectContaining({ id, attempts: 0, nextAttemptAt: 130_000 }),
    ]);
    expect((await store.due(20_000)).map((d) => d.id)).not.toContain(id);
    expect(await store.nextDueAt()).toBeLessThanOrEqual(130_000);

    // Failed, to be tried again in a minute: due then, and claimable then.
    expect(await store.attempted(id!, { status: 'pending', at: 20_000, error: '503', nextAttemptAt: 80_000 })).toBe(
      true,
    );
    expect(await store.delivery(id!)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: '503',
      nextAttemptAt: 80_000,
    });
    expect(await store.claim(id!, 79_999, 200_000)).toBeNull();
    expect(await store.claim(id!, 80_000, 200_000)).toMatchObject({ attempts: 1 });
    // Pending means a next attempt (the database insists).
    await expect(
      store.attempted(id!, { status: 'pending', at: 90_000, error: 'x', nextAttemptAt: null }),
    ).rejects.toMatchObject(refused(CHECK));
    expect(await store.attempted(id!, { status: 'sent', at: 90_000, error: null, nextAttemptAt: null })).toBe(true);
    expect(await store.delivery(id!)).toMatchObject({
      status: 'sent',
      attempts: 2,
      sentAt: 90_000,
      nextAttemptAt: null,
    });
    // Not pending any more: a late second attempt records nothing.
    expect(await store.attempted(id!, { status: 'failed', at: 95_000, error: 'late', nextAttemptAt: null })).toBe(
      false,
    );
    expect(await store.claim(id!, 500_000, 600_000)).toBeNull();
    expect(await store.delivery(id!)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('settles an alert once: the acknowledger’s deliveries acknowledged, other pending ones cancelled, the rest kept', async () => {
    const alertId = await newAlert();
    const watcher = await newUser();
    const other = await newUser();
    const [sent, pending, otherPending, otherFailed] = await store.createDeliveries([
      delivery(alertId, watcher),
      delivery(alertId, watcher, { channel: 'push', address: '1' }),
      delivery(alertId, other),
      delivery(alertId, other, { channel: 'push', address: '2' }),
    ]);
    await store.attempted(sent!, { status: 'sent', at: 11_000, error: null, nextAttemptAt: null });
    await store.attempted(otherFailed!, { status: 'failed', at: 11_000, error: '550', nextAttemptAt: null });
    const unrelated = await newAlert();
    const [elsewhere] = await store.createDeliveries([delivery(unrelated, other)]);

    const settled = await Promise.all([store.settle(alertId, watcher, 12_000), store.settle(alertId, watcher, 12_000)]);
    expect(settled.sort()).toEqual([0, 3]);
    expect(await statuses(alertId)).toEqual(['acknowledged', 'acknowledged', 'cancelled', 'failed']);
    expect(await store.delivery(pending!)).toMatchObject({ acknowledgedAt: 12_000, nextAttemptAt: null });
    expect(await store.delivery(otherPending!)).toMatchObject({ acknowledgedAt: null, nextAttemptAt: null });
    expect(await store.delivery(elsewhere!)).toMatchObject({ status: 'pending' });
    // An attempt that was under way records nothing now.
    expect(await store.attempted(otherPending!, { status: 'sent', at: 13_000, error: null, nextAttemptAt: null })).toBe(
      false,
    );
    // Resolved without an acknowledger: pending ones cancelled only.
    expect(await store.settle(unrelated, null, 14_000)).toBe(1);
    expect(await statuses(unrelated)).toEqual(['cancelled']);
  });

  it('uses an acknowledgement link once, also when two requests use it at once', async () => {
    const alertId = await newAlert();
    const [id] = await store.createDeliveries([delivery(alertId, await newUser())]);
    const uses = await Promise.all([store.useLink(id!, 20_000), store.useLink(id!, 20_001)]);
    expect(uses.sort()).toEqual([false, true]);
    expect(await store.useLink(id!, 30_000)).toBe(false);
    expect((await store.delivery(id!))!.linkUsedAt).toBeGreaterThanOrEqual(20_000);
  });

  it('answers the next due time of pending deliveries only, and what is due in order', async () => {
    const fresh = await openEngine(engine);
    try {
      const s = createNotificationsStore(engineSql(fresh));
      expect(await s.nextDueAt()).toBeNull();
      const alertId = await newAlert(fresh);
      const user = await createUser(fresh);
      const [late, early] = await s.createDeliveries([
        delivery(alertId, user, { now: 300 }),
        delivery(alertId, user, { now: 100, address: 'other' }),
      ]);
      expect(await s.nextDueAt()).toBe(100);
      expect((await s.due(300)).map((d) => d.id)).toEqual([early, late]);
      await s.attempted(early!, { status: 'sent', at: 150, error: null, nextAttemptAt: null });
      expect(await s.nextDueAt()).toBe(300);
    } finally {
      await fresh.close();
    }
  });
});
