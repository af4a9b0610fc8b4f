import { PROTOCOL_VERSION } from '@tsunagu/protocol';
import { postgresSql } from '../../db/sql';
import type { FakeClock } from '../../lib/clock';
import { eachFakeClockHub } from '../../testing/fake-clock';
import { connectSocket, emitAck, nextEvent, staffSocket, type TestHub, withHub } from '../../testing/harness';
import { createTestDatabase } from '../../testing/postgres';
import { householdsTold } from '../../testing/test-engine';
import { until } from '../../testing/until';
import { STAFF_PRESENCE_MS } from './service';

describe('terminal enrollment', () => {
  let hub: TestHub;
  let clock: FakeClock;
  eachFakeClockHub((made) => ({ hub, clock } = made));

  const issue = async (householdId = hub.fixture.households[0]!, payload: object = {}) => {
    const s = await hub.login('cityhall');
    return hub.as(s)({ method: 'POST', url: `/api/households/${householdId}/enrollment-codes`, payload });
  };
  const enroll = (code: unknown) => hub.app.inject({ method: 'POST', url: '/api/terminals/enroll', payload: { code } });

  it('city hall issues a short numeric one-time code that a terminal exchanges for a credential', async () => {
    const res = await issue();
    expect(res.statusCode).toBe(201);
    const { code, expiresAt } = res.json();
    expect(code).toMatch(/^\d{8}$/);
    expect(new Date(expiresAt).getTime()).toBe(clock.now() + 24 * 3600_000);
    const e = await enroll(code);
    expect(e.statusCode).toBe(200);
    const body = e.json();
    expect(body).toMatchObject({ householdId: hub.fixture.households[0] });
    expect(body.credential).toMatch(/^tsd_[\w-]{40,}$/);
    // Stored hashed: neither the code nor the credential is in the database.
    const terminals = await hub.ctx.sql.all('SELECT * FROM terminals');
    const codes = await hub.ctx.sql.all('SELECT * FROM enrollment_codes');
    expect([terminals.length, codes.length]).toEqual([1, 1]);
    const dump = JSON.stringify([terminals, codes]);
    expect(dump).not.toContain(body.credential);
    expect(dump).not.toContain(code);
    const profile = await hub.as({ bearer: body.credential })({ method: 'GET', url: '/api/terminal/profile' });
    expect(profile.json()).toMatchObject({
      terminalId: body.terminalId,
      householdId: hub.fixture.households[0],
      language: 'ja',
    });
    expect(profile.json().shops.map((s: { name: string }) => s.name)).toContain('テストマート');
  });

  it("tells copies of the household kept in memory (the calls' active terminal) of an enrolment and a revocation", async () => {
    const h = hub.fixture.households[0]!;
    const changed: (number | null)[] = [];
    hub.ctx.events.on('household.changed', (e) => changed.push(e.householdId));
    const told = () => householdsTold(changed.splice(0));
    const first = (await enroll((await issue()).json().code)).json();
    expect(told()).toEqual([h]);
    const second = (await enroll((await issue()).json().code)).json();
    expect(second.terminalId).not.toBe(first.terminalId);
    expect(told()).toEqual([h]);
    const s = await hub.login('cityhall');
    const revoked = await hub.as(s)({ method: 'POST', url: `/api/terminals/${second.terminalId}/revoke` });
    expect(revoked.statusCode).toBe(200);
    expect(told()).toEqual([h]);
  });

  it('refuses a reused code', async () => {
    const { code } = (await issue()).json();
    expect((await enroll(code)).statusCode).toBe(200);
    const again = await enroll(code);
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('ENROLLMENT_CODE_USED');
  });

  it('lets one of two installers enrolling with one code at once through; the other hears the code was used', async () => {
    const { code } = (await issue()).json();
    const answers = await Promise.all([enroll(code), enroll(code)]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    expect(answers.find((r) => r.statusCode === 400)!.json().error.code).toBe('ENROLLMENT_CODE_USED');
  });

  it('answers a lost database with STORAGE_UNAVAILABLE (retry later), not a used code, and the code still works', async () => {
    const { code } = (await issue()).json();
    // The error the PostgreSQL runner gives once its server is gone (a real one, stopped).
    const t = await createTestDatabase();
    const sql = postgresSql(t.pg);
    await t.drop();
    const lost = await sql.get('SELECT 1').catch((err: unknown) => err);
    jest.spyOn(hub.stores.terminals, 'enroll').mockRejectedValueOnce(lost);
    const res = await enroll(code);
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', retryable: true });
    expect((await enroll(code)).statusCode).toBe(200);
  });

  it('refuses an expired code', async () => {
    const { code } = (await issue(undefined, { ttlMinutes: 10 })).json();
    clock.advance(10 * 60_000);
    const res = await enroll(code);
    expect(res.json().error.code).toBe('ENROLLMENT_CODE_EXPIRED');
  });

  it('refuses a wrong code', async () => {
    await issue();
    expect((await enroll('00000000')).json().error.code).toBe('ENROLLMENT_CODE_INVALID');
  });

  it('refuses malformed codes', async () => {
    for (const bad of ['1234', '123456789', 'abcdefgh', 12345678, null]) {
      const res = await enroll(bad);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('rate-limits enrollment attempts so the short code cannot be brute-forced', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await enroll(String(10000000 + i))).statusCode);
    expect(codes.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(codes[6]).toBe(429);
  });

  it('re-enrolling a household revokes its previous terminal', async () => {
    const first = await hub.enrollTerminal(hub.fixture.households[0]!);
    const second = await hub.enrollTerminal(hub.fixture.households[0]!);
    expect(
      (await hub.as({ bearer: first.credential })({ method: 'GET', url: '/api/terminal/profile' })).statusCode,
    ).toBe(401);
    expect(
      (await hub.as({ bearer: second.credential })({ method: 'GET', url: '/api/terminal/profile' })).statusCode,
    ).toBe(200);
  });

  it('an unknown household gets 404', async () => {
    expect((await issue(9999)).statusCode).toBe(404);
  });
});

describe('terminal connections', () => {
  let hub: TestHub;
  let url: string;
  withHub('each', async (made) => {
    hub = made;
    url = await hub.listen();
  });

  it('connects with its credential, receives its profile and is tracked online then offline', async () => {
    const { terminalId, credential } = await hub.enrollTerminal(hub.fixture.households[1]!);
    const cityhall = await hub.staff('cityhall');
    type Changes = { changes: { terminalId: number; online: boolean }[] };
    const presence = nextEvent<Changes>(cityhall, 'terminal:presenceChanged');
    const socket = await hub.connectTerminal(credential);
    expect((await socket.profile).terminalId).toBe(terminalId);
    expect((await presence).changes).toEqual([expect.objectContaining({ terminalId, online: true })]);
    expect(await hub.stores.terminals.get(terminalId)).toMatchObject({ online: true });
    expect((await hub.stores.terminals.get(terminalId))!.lastSeenAt).not.toBeNull();

    const heartbeat = await emitAck<{ ok: boolean; data: { serverTime: string } }>(socket, 'terminal:heartbeat', {});
    expect(heartbeat.ok).toBe(true);

    const offline = nextEvent<Changes>(cityhall, 'terminal:presenceChanged');
    socket.close();
    expect((await offline).changes).toEqual([expect.objectContaining({ terminalId, online: false })]);
    expect(await hub.stores.terminals.get(terminalId)).toMatchObject({ online: false });
  });

  it('tells staff a terminal turned online and offline in the order it happened, each once it is stored', async () => {
    const { terminalId, credential } = await hub.enrollTerminal(hub.fixture.households[2]!);
    const cityhall = await hub.staff('cityhall');
    const heard: { online: boolean; stored: Promise<boolean | undefined> }[] = [];
    cityhall.on('terminal:presenceChanged', ({ changes }: { changes: { terminalId: number; online: boolean }[] }) => {
      for (const p of changes)
        if (p.terminalId === terminalId)
          heard.push({ online: p.online, stored: hub.stores.terminals.get(terminalId).then((t) => t?.online) });
    });
    for (let i = 1; i <= 2; i++) {
      const socket = await hub.connectTerminal(credential);
      await until(() => heard.length === 2 * i - 1);
      socket.close();
      await until(() => heard.length === 2 * i);
    }
    // Reconnections in quick succession: whatever is coalesced, the notices alternate and end as stored.
    const burst = [];
    for (let i = 0; i < 3; i++) burst.push(await hub.connectTerminal(credential));
    for (const socket of burst) socket.close();
    await until(
      async () => (await hub.stores.terminals.get(terminalId))?.online === false && heard.at(-1)?.online === false,
    );
    const online = heard.map((h) => h.online);
    expect(online.slice(0, 4)).toEqual([true, false, true, false]);
    expect(online.every((o, i) => o === (i % 2 === 0))).toBe(true);
    expect(await Promise.all(heard.map((h) => h.stored))).toEqual(online);
  });

  it('tells city hall of terminals that turned together in one message, and each watcher only of theirs', async () => {
    type Changes = { changes: { terminalId: number; householdId: number; online: boolean }[] };
    const hh = hub.fixture.households;
    const sockets = [];
    for (const h of hh) sockets.push(await hub.connectTerminal((await hub.enrollTerminal(h)).credential));
    const listen = async (username: string) => {
      const socket = await hub.staff(username);
      const heard: Changes['changes'][] = [];
      socket.on('terminal:presenceChanged', ({ changes }: Changes) => heard.push(changes));
      return heard;
    };
    const [cityhall, watcher, otherWatcher] = [
      await listen('cityhall'),
      await listen('watcher'),
      await listen('other-watcher'),
    ];
    await until(async () =>
      (await Promise.all(hh.map((h) => hub.stores.households.get(h)))).every((x) => x?.terminal?.online),
    );
    // Their connects told (staff hear presence every STAFF_PRESENCE_MS at most): only what follows counts.
    await new Promise((r) => setTimeout(r, STAFF_PRESENCE_MS + 200));
    for (const heard of [cityhall, watcher, otherWatcher]) heard.length = 0;
    // All three go offline in one turn of the hub's event loop (as in a network outage): one batch.
    hub.ctx.sockets.terminals.local.disconnectSockets(true);
    await until(() => cityhall.length > 0 && watcher.length > 0 && otherWatcher.length > 0);
    await new Promise((r) => setTimeout(r, 100));
    const offline = (heard: Changes['changes'][]) =>
      heard.map((changes) => changes.map((c) => [c.householdId, c.online]).sort());
    expect(offline(cityhall)).toEqual([hh.map((h) => [h, false])]);
    expect(offline(watcher)).toEqual([
      [
        [hh[0], false],
        [hh[1], false],
      ],
    ]);
    expect(offline(otherWatcher)).toEqual([[[hh[2], false]]]);
    for (const s of sockets) s.close();
  });

  it('tells staff of terminals that turn within STAFF_PRESENCE_MS in one notice (a console reloads its board once per notice)', async () => {
    type Changes = { changes: { terminalId: number; online: boolean }[] };
    const [first, second, third] = await Promise.all(
      hub.fixture.households.slice(0, 3).map((h) => hub.enrollTerminal(h)),
    );
    const cityhall = await hub.staff('cityhall');
    const heard: number[][] = [];
    cityhall.on('terminal:presenceChanged', ({ changes }: Changes) => heard.push(changes.map((c) => c.terminalId)));
    const sockets = [await hub.connectTerminal(first!.credential)];
    await until(() => heard.length === 1);
    // Two more, in two batches of their own (a tenth of a second apart): one notice.
    sockets.push(await hub.connectTerminal(second!.credential));
    await new Promise((r) => setTimeout(r, 100));
    sockets.push(await hub.connectTerminal(third!.credential));
    await until(() => heard.flat().length >= 3);
    await new Promise((r) => setTimeout(r, STAFF_PRESENCE_MS + 200));
    expect(heard).toEqual([[first!.terminalId], [second!.terminalId, third!.terminalId]]);
    for (const s of sockets) s.close();
  });

  it('refuses a mismatched protocol version with a reason', async () => {
    const { credential } = await hub.enrollTerminal(hub.fixture.households[0]!);
    await expect(hub.connectTerminal(credential, PROTOCOL_VERSION + 1)).rejects.toMatchObject({
      data: { code: 'PROTOCOL_MISMATCH', serverProtocolVersion: PROTOCOL_VERSION },
    });
  });

  it('refuses a missing, wrong or revoked credential', async () => {
    await expect(hub.connectTerminal('')).rejects.toMatchObject({ data: { code: 'CREDENTIAL_REVOKED' } });
    await expect(hub.connectTerminal('tsd_wrong')).rejects.toMatchObject({ data: { code: 'CREDENTIAL_REVOKED' } });
    const { terminalId, credential } = await hub.enrollTerminal(hub.fixture.households[0]!);
    const socket = await hub.connectTerminal(credential);
    const revoked = nextEvent(socket, 'terminal:revoked');
    const disconnected = nextEvent(socket, 'disconnect');
    const s = await hub.login('cityhall');
    expect((await hub.as(s)({ method: 'POST', url: `/api/terminals/${terminalId}/revoke` })).statusCode).toBe(200);
    await revoked;
    await disconnected;
    await expect(hub.connectTerminal(credential)).rejects.toMatchObject({ data: { code: 'CREDENTIAL_REVOKED' } });
  });

  it('a terminal credential cannot open the staff namespace or call staff routes', async () => {
    const { credential } = await hub.enrollTerminal(hub.fixture.households[0]!);
    for (const [method, path] of [
      ['GET', '/api/households'],
      ['GET', '/api/users'],
      ['GET', '/api/terminals'],
      ['GET', '/api/auth/session'],
    ] as const) {
      const res = await hub.as({ bearer: credential })({ method, url: path });
      expect(res.statusCode).toBe(403);
    }
  });

  it('answers a malformed heartbeat with a validation error and keeps the connection', async () => {
    const { credential } = await hub.enrollTerminal(hub.fixture.households[0]!);
    const socket = await hub.connectTerminal(credential);
    const res = await emitAck<{ ok: boolean; error: { code: string } }>(socket, 'terminal:heartbeat', {
      extra: 'x'.repeat(100),
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect((await emitAck<{ ok: boolean }>(socket, 'terminal:heartbeat', {})).ok).toBe(true);
  });

  it('refuses staff sockets without a session or from another origin', async () => {
    await expect(connectSocket(staffSocket(url))).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
    const s = await hub.login('cityhall');
    await expect(
      connectSocket(staffSocket(url, { cookie: s.cookie, origin: 'https://evil.example' })),
    ).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  });
});
