/**
 * Every list route, as every kind of caller (people of each role and API keys of each role), with
 * data present that the caller must not see: households, alerts, calls and orders of other
 * households and other shops. A response may name only households and shops in the caller's
 * scope. New GET routes are picked up by themselves (from the hub's route table).
 */
import type { StaffRole } from '@tsunagu/protocol';
import { createTestHub, type StaffSession, type TestHub } from '../testing/harness';
import { createCallsStore } from './calls/store';
import { createOrdersStore } from './orders/store';
import { createWatchStore, levelOneAlert } from './watch/store';

jest.setTimeout(60_000);

const isJson = (res: { headers: Record<string, unknown> }) =>
  String(res.headers['content-type'] ?? '').includes('json');

type All = 'all';
interface Caller {
  name: string;
  auth: () => StaffSession | { bearer: string } | null;
  /** Households the caller may see outside shop records, and shops whose records they may see. */
  households: Set<number> | All;
  shops: Set<number> | All;
  /** Districts whose district-wide records (outage alerts) they may see. */
  districts: Set<number> | All;
}

/** Where a response names a household or a shop the caller may not see, as "path: what". */
export function leaks(body: unknown, caller: Pick<Caller, 'households' | 'shops' | 'districts'>): string[] {
  const found: string[] = [];
  const okDistrict = (id: number) => caller.districts === 'all' || caller.districts.has(id);
  const okHousehold = (id: number) => caller.households === 'all' || caller.households.has(id);
  const okShop = (id: number) => caller.shops === 'all' || caller.shops.has(id);
  const walk = (v: unknown, at: string, inShopRecord: boolean, key: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        // A list of households names them by `id`.
        if (key === 'households' && x && typeof x === 'object' && typeof (x as { id?: unknown }).id === 'number') {
          const id = (x as { id: number }).id;
          if (!okHousehold(id)) found.push(`${at}[${i}]: household ${id}`);
        }
        walk(x, `${at}[${i}]`, inShopRecord, key);
      });
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    let shopRecord = inShopRecord;
    if (typeof o.shopId === 'number') {
      if (!okShop(o.shopId)) found.push(`${at}: shop ${o.shopId}`);
      // A shop's own records (its calls, orders, queue) may name the households that called it.
      shopRecord = true;
    }
    if (typeof o.householdId === 'number' && !shopRecord && !okHousehold(o.householdId))
      found.push(`${at}: household ${o.householdId}`);
    // A district-wide record (an outage alert) names no household.
    if (o.householdId === null && typeof o.districtId === 'number' && !okDistrict(o.districtId))
      found.push(`${at}: district ${o.districtId}`);
    for (const [k, x] of Object.entries(o)) walk(x, `${at}.${k}`, shopRecord, k);
  };
  walk(body, '$', false, '');
  return found;
}

describe('list routes show each caller only their own data', () => {
  let hub: TestHub;
  let callers: Caller[];
  let listRoutes: string[];

  beforeAll(async () => {
    hub = await createTestHub();
    const f = hub.fixture;
    const [h0, h1, h2] = f.households as [number, number, number];
    const now = hub.ctx.clock.now();
    const terminals = await Promise.all(f.households.map((h) => hub.enrollTerminal(h)));

    // Data in every household and every shop.
    const alerts = createWatchStore(hub.ctx.sql);
    const districtOf = new Map((await hub.stores.households.list()).map((h) => [h.id, h.districtId]));
    const district = (h: number) => districtOf.get(h)!;
    const alert = (kind: 'missed_checkin' | 'concern', householdId: number) =>
      alerts.create(
        levelOneAlert(now, {
          kind,
          householdId,
          districtId: district(householdId),
          day: kind === 'missed_checkin' ? '2026-01-05' : null,
        }),
      );
    await alert('missed_checkin', h0);
    await alert('concern', h1);
    await alert('missed_checkin', h2);
    await alert('concern', h2);
    // An outage in each district: the family member (otherWatcher) may see none of them.
    for (const h of [h0, h2])
      await alerts.create(levelOneAlert(now, { kind: 'district_outage', householdId: null, districtId: district(h) }));
    const calls = createCallsStore(hub.ctx.sql);
    const orders = createOrdersStore(hub.ctx.sql);
    for (const [shopId, householdId, i] of [
      [f.shopId, h0, 0],
      [f.otherShopId, h2, 2],
      [f.listeningId, h1, 1],
      [f.otherShopId, h1, 1],
    ] as const) {
      const callId = await calls.create({
        shopId,
        householdId,
        terminalId: terminals[i]!.terminalId,
        direction: 'inbound',
        status: 'ended',
        operatorId: null,
        callbackOf: null,
        now,
      });
      await calls.commit(); // the calls store writes once per turn; the order refers to the call now
      if (shopId !== f.listeningId)
        await orders.create({
          shopId,
          householdId,
          callId,
          note: '',
          createdBy: null,
          now,
          lines: [{ itemId: null, name: '牛乳', quantity: 1, unit: '本', priceYen: 200, photoUrl: null }],
        });
    }

    const key = async (role: StaffRole) => (await hub.services.accounts.createApiKey(`scope-${role}`, role, null)).key;
    type Scope = Pick<Caller, 'households' | 'shops' | 'districts'>;
    const none = new Set<number>();
    const all: Scope = { households: 'all', shops: 'all', districts: 'all' };
    const nothing: Scope = { households: none, shops: none, districts: none };
    const person = (name: keyof typeof f.users, scope: Scope): Caller => ({
      name,
      auth: () => hub.sessionFor(f.users[name]),
      ...scope,
    });
    const machine = async (role: StaffRole, scope: Scope): Promise<Caller> => {
      const bearer = await key(role);
      return { name: `${role} API key`, auth: () => ({ bearer }), ...scope };
    };
    const watching = (households: number[]) => ({
      ...nothing,
      households: new Set(households),
      districts: new Set(households.map(district)),
    });
    callers = [
      person('admin', all),
      person('cityhall', all),
      person('operator', { ...nothing, shops: new Set([f.shopId]) }),
      person('otherOperator', { ...nothing, shops: new Set([f.otherShopId]) }),
      person('listener', { ...nothing, shops: new Set([f.listeningId]) }),
      person('watcher', watching([h0, h1])),
      // A family member: their own household, never a district-wide alert.
      person('otherWatcher', { ...nothing, households: new Set([h2]) }),
      person('supervisor', watching([h0, h1])),
      await machine('cityhall', all),
      // Machine keys belong to no shop and watch no household: they see none of either.
      await machine('operator', nothing),
      await machine('listener', nothing),
      await machine('watcher', nothing),
    ];
    listRoutes = hub.apiRoutes.filter((r) => r.method === 'GET' && !r.url.includes(':')).map((r) => r.url);
  });
  afterAll(() => hub.close());

  /** Each list route as is, and narrowed to each household and each shop (where the route takes it). */
  function urls(): string[] {
    const f = hub.fixture;
    return listRoutes.flatMap((u) => [
      u,
      ...f.households.map((h) => `${u}?householdId=${h}`),
      ...[f.shopId, f.otherShopId, f.listeningId].map((s) => `${u}?shopId=${s}`),
    ]);
  }

  it('the data is there: city hall sees every household and every shop in the lists', async () => {
    const seen = { households: new Set<number>(), shops: new Set<number>() };
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) {
        for (const x of v) collect(x);
        return;
      }
      if (!v || typeof v !== 'object') return;
      const o = v as Record<string, unknown>;
      if (typeof o.householdId === 'number') seen.households.add(o.householdId);
      if (typeof o.shopId === 'number') seen.shops.add(o.shopId);
      for (const x of Object.values(o)) collect(x);
    };
    const admin = callers[0]!;
    for (const url of listRoutes) {
      const res = await hub.as(admin.auth())({ method: 'GET', url });
      if (res.statusCode === 200 && isJson(res)) collect(res.json());
    }
    const f = hub.fixture;
    expect([...seen.households].sort()).toEqual([...f.households].sort());
    expect([...seen.shops].sort()).toEqual([f.shopId, f.otherShopId, f.listeningId].sort());
  });

  it('no list names a household or shop outside the caller’s scope, for people and for API keys', async () => {
    const failures: string[] = [];
    for (const url of urls()) {
      for (const caller of callers) {
        const res = await hub.as(caller.auth())({ method: 'GET', url });
        if (res.statusCode >= 500) failures.push(`${url} as ${caller.name}: ${res.statusCode}`);
        if (res.statusCode !== 200 || !isJson(res)) continue;
        for (const leak of leaks(res.json(), caller)) failures.push(`${url} as ${caller.name}: ${leak}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a watcher API key without assigned households lists none', async () => {
    const watcherKey = callers.find((c) => c.name === 'watcher API key')!;
    const res = await hub.as(watcherKey.auth())({ method: 'GET', url: '/api/households' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ households: [] });
  });

  it('the leak finder finds what it should', () => {
    const scope = { households: new Set([1]), shops: new Set([7]), districts: new Set([4]) };
    expect(leaks({ households: [{ id: 1 }, { id: 2 }] }, scope)).toEqual(['$.households[1]: household 2']);
    expect(leaks({ alerts: [{ householdId: 3 }] }, scope)).toEqual(['$.alerts[0]: household 3']);
    expect(leaks({ orders: [{ shopId: 7, householdId: 3 }] }, scope)).toEqual([]);
    expect(leaks({ orders: [{ shopId: 8, householdId: 1 }] }, scope)).toEqual(['$.orders[0]: shop 8']);
    expect(
      leaks(
        {
          alerts: [
            { householdId: null, districtId: 5 },
            { householdId: null, districtId: 4 },
          ],
        },
        scope,
      ),
    ).toEqual(['$.alerts[0]: district 5']);
  });
});
