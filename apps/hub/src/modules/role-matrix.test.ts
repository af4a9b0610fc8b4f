/**
 * The role matrix: every /api route of the hub (core and every capability module) is called as
 * each kind of caller (people of each role, API keys of each role, a terminal, nobody), and must
 * refuse exactly those its declared access rule excludes. What the allowed callers then see of
 * the lists is checked with foreign data present in `list-scoping.test.ts`.
 */
import type { StaffRole } from '@tsunagu/protocol';
import { type Access, allows, type Principal } from '../lib/principal';
import { as, createTestHub, enrollTerminal, type StaffSession, sessionFor, type TestHub } from '../testing/harness';

type Caller = { name: string; principal: Principal | null; auth: () => StaffSession | { bearer: string } | null };

describe('role matrix', () => {
  let hub: TestHub;
  let callers: Caller[];
  beforeAll(async () => {
    hub = await createTestHub();
    const u = hub.fixture.users;
    const user = async (id: number): Promise<Principal> => ({
      kind: 'user',
      user: (await hub.stores.accounts.userById(id))!,
      sessionId: 0,
      csrfToken: '',
    });
    const terminal = await enrollTerminal(hub, hub.fixture.households[0]!);
    const key = async (role: StaffRole) => (await hub.services.accounts.createApiKey(`matrix-${role}`, role, null)).key;
    const keys = {
      cityhall: await key('cityhall'),
      operator: await key('operator'),
      listener: await key('listener'),
      watcher: await key('watcher'),
    };
    callers = [
      { name: 'anonymous', principal: null, auth: () => null },
      {
        name: 'terminal',
        principal: { kind: 'terminal', terminalId: terminal.terminalId, householdId: hub.fixture.households[0]! },
        auth: () => ({ bearer: terminal.credential }),
      },
      ...(await Promise.all(
        (['admin', 'cityhall', 'operator', 'listener', 'watcher'] as const).map(async (name) => ({
          name,
          principal: await user(u[name]),
          // A new session per request, so routes like logout cannot spoil the next call.
          auth: () => sessionFor(hub, u[name]),
        })),
      )),
      // Machine callers of every role: the same rules as people of that role, never admin.
      ...(['cityhall', 'operator', 'listener', 'watcher'] as const).map((role, i) => ({
        name: `${role} API key`,
        principal: { kind: 'apikey' as const, apiKeyId: i + 1, name: 'k', role },
        auth: () => ({ bearer: keys[role] }),
      })),
    ];
  });
  afterAll(() => hub.close());

  it('knows the routes, and every one declares an access rule', () => {
    expect(hub.apiRoutes.length).toBeGreaterThan(15);
    for (const r of hub.apiRoutes) expect(r.access).toBeDefined();
  });

  it('refuses exactly the callers each route excludes', async () => {
    const failures: string[] = [];
    for (const route of hub.apiRoutes) {
      // Ids that do not exist, so an allowed caller changes nothing.
      const url = route.url.replace(/:[A-Za-z]+/g, '987654');
      for (const caller of callers) {
        const res = await as(
          hub,
          caller.auth(),
        )({ method: route.method as 'GET', url, payload: ['GET', 'DELETE'].includes(route.method) ? undefined : {} });
        const refused = res.statusCode === 401 || res.statusCode === 403;
        const expectedAllowed = allows(route.access as Access, caller.principal);
        // A 403 can also be a finer check inside an allowed route (e.g. only signed-in people change passwords).
        const ok = expectedAllowed
          ? res.statusCode !== 401 && !(refused && res.json().error.code === 'UNAUTHENTICATED')
          : refused;
        if (!ok)
          failures.push(
            `${route.method} ${route.url} as ${caller.name}: ${res.statusCode} (expected ${expectedAllowed ? 'allowed' : 'refused'})`,
          );
        if (res.statusCode >= 500)
          failures.push(`${route.method} ${route.url} as ${caller.name}: ${res.statusCode} ${res.body}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a terminal is never allowed on a staff route (unless it says terminals: true), and staff never on a terminal route', () => {
    const terminal: Principal = { kind: 'terminal', terminalId: 1, householdId: 1 };
    const shared = hub.apiRoutes.filter((r) => typeof r.access === 'object' && r.access.terminals === true);
    expect(shared.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /api/announcements/:id/speech']);
    for (const r of hub.apiRoutes) {
      if (r.access === 'public' || shared.includes(r)) continue;
      if (r.access === 'terminal') {
        for (const c of callers.filter((c) => c.principal && c.principal.kind !== 'terminal'))
          expect(allows(r.access, c.principal)).toBe(false);
      } else expect(allows(r.access, terminal)).toBe(false);
    }
  });

  it('admin-only routes refuse plain city hall staff and API keys', async () => {
    for (const url of ['/api/users', '/api/api-keys', '/api/audit']) {
      expect((await as(hub, sessionFor(hub, hub.fixture.users.cityhall))({ method: 'GET', url })).statusCode).toBe(403);
      expect(
        (await as(hub, callers.find((c) => c.name === 'cityhall API key')!.auth())({ method: 'GET', url })).statusCode,
      ).toBe(403);
      expect((await as(hub, sessionFor(hub, hub.fixture.users.admin))({ method: 'GET', url })).statusCode).toBe(200);
    }
  });

  describe('watchers see only their assigned households', () => {
    it('lists only assigned households', async () => {
      const res = await as(hub, sessionFor(hub, hub.fixture.users.watcher))({ method: 'GET', url: '/api/households' });
      expect(
        res
          .json()
          .households.map((h: { id: number }) => h.id)
          .sort(),
      ).toEqual([hub.fixture.households[0], hub.fixture.households[1]].sort());
    });

    it('gets 404 for a household not assigned to them', async () => {
      const res = await as(
        hub,
        sessionFor(hub, hub.fixture.users.watcher),
      )({ method: 'GET', url: `/api/households/${hub.fixture.households[2]}` });
      expect(res.statusCode).toBe(404);
      const mine = await as(
        hub,
        sessionFor(hub, hub.fixture.users.watcher),
      )({ method: 'GET', url: `/api/households/${hub.fixture.households[0]}` });
      expect(mine.statusCode).toBe(200);
    });

    it('cannot change households or assignments', async () => {
      const w = () => as(hub, sessionFor(hub, hub.fixture.users.watcher));
      expect(
        (await w()({ method: 'PATCH', url: `/api/households/${hub.fixture.households[0]}`, payload: { notes: 'x' } }))
          .statusCode,
      ).toBe(403);
      expect(
        (
          await w()({
            method: 'POST',
            url: `/api/households/${hub.fixture.households[2]}/watchers`,
            payload: { userId: hub.fixture.users.watcher },
          })
        ).statusCode,
      ).toBe(403);
    });
  });

  it('operators and listeners cannot read households, terminals or users', async () => {
    for (const who of [hub.fixture.users.operator, hub.fixture.users.listener]) {
      for (const url of [
        '/api/households',
        '/api/terminals',
        '/api/users',
        `/api/households/${hub.fixture.households[0]}`,
      ]) {
        expect((await as(hub, sessionFor(hub, who))({ method: 'GET', url })).statusCode).toBe(403);
      }
    }
  });
});
