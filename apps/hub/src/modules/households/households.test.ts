// Households as a clerk keeps them: the reading of the name, why they need assistance, the residents
// edited in place, and closing a household (its terminal stops at once, its codes stop working, it
// leaves the lists) and reopening it.
import { migrate } from '../../db/migrate';
import { nextEvent, type StaffSession, type TestHub, withHub } from '../../testing/harness';
import { migrated, running } from '../../testing/migrated';

describe('0040-household-details', () => {
  it('adds the reading, the assistance reason and closing to existing households', () => {
    const db = migrated(31);
    db.prepare("INSERT INTO districts (code, name, name_en) VALUES ('d', 'D', 'D')").run();
    db.prepare("INSERT INTO households (name, address, district_id, created_at) VALUES ('h', 'a', 1, 0)").run();
    migrate(db, { target: 40 });
    expect(db.prepare('SELECT kana, assistance_reason, closed_at, close_reason FROM households').get()).toEqual({
      kana: '',
      assistance_reason: '',
      closed_at: null,
      close_reason: '',
    });
    expect(running(db, "UPDATE households SET closed_at = 'soon'")).toThrow(/INTEGER/);
  });
});

describe('households in the console', () => {
  let hub: TestHub;
  let clerk: StaffSession;
  withHub('each', (made) => {
    hub = made;
    clerk = hub.sessionFor(hub.fixture.users.cityhall);
  });
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    hub.as(clerk)({ method, url, ...(payload ? { payload } : {}) });

  it('keeps the reading, the reason for assistance and the residents as edited', async () => {
    const created = await call('POST', '/api/households', {
      name: '田中',
      kana: 'たなか',
      address: '大沢3-3-3',
      districtId: hub.fixture.districts[0],
      needsAssistance: true,
      assistanceReason: '車いす',
      residents: [{ name: '田中 一' }, { name: '田中 二', birthYear: 1945 }],
    });
    expect(created.statusCode).toBe(201);
    const h = created.json();
    expect(h).toMatchObject({ kana: 'たなか', assistanceReason: '車いす', closedAt: null, closeReason: '' });
    const [first] = h.residents;
    const edited = await call('PATCH', `/api/households/${h.id}`, {
      districtId: hub.fixture.districts[1],
      phone: '0422-99-0000',
      residents: [{ id: first.id, name: '田中 一郎', birthYear: 1939 }, { name: '田中 三' }],
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({
      districtId: hub.fixture.districts[1],
      phone: '0422-99-0000',
      residents: [
        { id: first.id, name: '田中 一郎', birthYear: 1939 },
        { name: '田中 三', birthYear: null },
      ],
    });
    // A resident of another household cannot be renamed through this one.
    const other = (await hub.stores.households.get(hub.fixture.households[0]!))!.residents[0]!;
    const stranger = await call('PATCH', `/api/households/${h.id}`, { residents: [{ id: other.id, name: 'x' }] });
    expect(stranger.statusCode).toBe(400);
    expect((await hub.stores.households.get(hub.fixture.households[0]!))!.residents[0]!.name).toBe(other.name);
  });

  it('closing stops the terminal at once, its unused codes and further changes; reopening serves it again', async () => {
    const id = hub.fixture.households[0]!;
    const { credential } = await hub.enrollTerminal(id);
    const socket = await hub.connectTerminal(credential);
    const unused = (await hub.services.terminals.issueCode(id, 'test')).code;
    const revoked = nextEvent(socket, 'terminal:revoked');

    const closed = await call('POST', `/api/households/${id}/close`, { reason: '転出' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ closeReason: '転出', terminal: null });
    expect(closed.json().closedAt).not.toBeNull();
    await revoked;
    socket.close();
    await expect(hub.services.terminals.enroll(unused, null)).rejects.toThrow(/expired/);

    const list = (await call('GET', '/api/households')).json().households.map((x: { id: number }) => x.id);
    expect(list).not.toContain(id);
    const all = (await call('GET', '/api/households?includeClosed=true')).json().households;
    expect(all.map((x: { id: number }) => x.id)).toContain(id);
    // The watcher of a closed household no longer sees it.
    const watcher = hub.sessionFor(hub.fixture.users.watcher);
    expect((await hub.as(watcher)({ method: 'GET', url: `/api/households/${id}` })).statusCode).toBe(404);

    for (const [method, path, body] of [
      ['PATCH', `/api/households/${id}`, { notes: 'x' }],
      ['POST', `/api/households/${id}/enrollment-codes`, {}],
      ['POST', `/api/households/${id}/close`, { reason: 'again' }],
      ['POST', `/api/households/${id}/watchers`, { userId: hub.fixture.users.watcher }],
    ] as const) {
      const res = await call(method, path, body);
      expect({ path, status: res.statusCode, code: res.json().error.code }).toEqual({
        path,
        status: 409,
        code: 'HOUSEHOLD_CLOSED',
      });
    }
    const actions = await hub.ctx.sql.all(
      "SELECT action FROM audit_log WHERE target = ? AND action LIKE 'household.%'",
      [`household:${id}`],
    );
    expect(actions).toEqual([{ action: 'household.closed' }]);

    const reopened = await call('POST', `/api/households/${id}/reopen`);
    expect(reopened.json()).toMatchObject({ closedAt: null, closeReason: '' });
    expect((await call('POST', `/api/households/${id}/reopen`)).statusCode).toBe(409);
    expect((await call('POST', `/api/households/${id}/enrollment-codes`, {})).statusCode).toBe(201);
  });
});
