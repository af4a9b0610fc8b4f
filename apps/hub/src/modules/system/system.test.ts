import type { SystemStatus } from '@tsunagu/protocol';
import { FakeClock } from '../../lib/clock';
import type { CheckResult } from '../../plugins/health';
import { createTestHub, emitAck, nextEvent, type TestHub, withHub } from '../../testing/harness';
import { settledAfter } from '../../testing/test-engine';

jest.setTimeout(60_000);

describe('system status for city hall', () => {
  let hub: TestHub;
  withHub('all', (made) => (hub = made), { clock: new FakeClock(Date.parse('2026-01-05T00:00:00Z')) });

  it('shows city hall the readiness checks; nobody else', async () => {
    const res = await hub.as(hub.sessionFor(hub.fixture.users.cityhall))({ method: 'GET', url: '/api/system/status' });
    expect(res.statusCode).toBe(200);
    const checks = res.json<SystemStatus>().checks;
    expect(checks.filter((c) => c.critical).map((c) => c.name)).toEqual(['database', 'migrations', 'disk']);
    expect(checks.map((c) => c.name)).toContain('push');
    for (const who of ['operator', 'watcher', 'listener'] as const) {
      const refused = await hub.as(hub.sessionFor(hub.fixture.users[who]))({
        method: 'GET',
        url: '/api/system/status',
      });
      expect(refused.statusCode).toBe(403);
    }
    expect((await hub.app.inject({ method: 'GET', url: '/api/system/status' })).statusCode).toBe(401);
  });

  it('pushes a change of any check to city hall consoles (the banner), not to watchers', async () => {
    const cityhall = await hub.connectStaff(hub.sessionFor(hub.fixture.users.cityhall));
    const watcher = await hub.connectStaff(hub.sessionFor(hub.fixture.users.watcher));
    const watcherHeard: unknown[] = [];
    watcher.on('system:statusChanged', (s) => watcherHeard.push(s));
    await hub.ctx.health.evaluate(); // the baseline, before the push under test
    let mail: CheckResult = { status: 'ok', message: 'sent' };
    hub.ctx.health.register({ name: 'mail_test', critical: false, run: () => mail });
    await hub.ctx.health.evaluate();

    mail = { status: 'fail', reason: 'unreachable', message: 'SMTP server refused the connection' };
    const pushed = nextEvent<SystemStatus>(cityhall, 'system:statusChanged');
    hub.ctx.health.refresh();
    const status = await pushed;
    expect(status.status).toBe('degraded');
    expect(status.checks.find((c) => c.name === 'mail_test')).toMatchObject({ status: 'fail', reason: 'unreachable' });

    mail = { status: 'ok', message: 'sent' };
    const back = nextEvent<SystemStatus>(cityhall, 'system:statusChanged');
    hub.ctx.health.refresh();
    expect((await back).status).toBe('ok');
    expect(watcherHeard).toEqual([]);
    cityhall.close();
    watcher.close();
  });
});

describe('figures for the operators’ alerts', () => {
  it('counts offline terminals and the age of the oldest emergency a terminal has not received', async () => {
    const clock = new FakeClock(Date.parse('2026-01-05T00:00:00Z'));
    const hub = await createTestHub({ clock });
    try {
      const [first, second] = await Promise.all(hub.fixture.households.map((h) => hub.enrollTerminal(h)));
      const metric = async (name: string) => {
        const text = await hub.ctx.metrics.registry.metrics();
        return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
      };
      expect(await metric('tsunagu_terminals_enrolled')).toBe(3);
      expect(await metric('tsunagu_terminals_offline')).toBe(3);
      // Presence is stored in a batch after the connection (a unit of work): the figure reads the store.
      let online!: Awaited<ReturnType<typeof hub.connectTerminal>>;
      await settledAfter(hub, async () => {
        online = await hub.connectTerminal(first!.credential);
      });
      expect(await metric('tsunagu_terminals_offline')).toBe(2);
      expect(await metric('tsunagu_emergency_oldest_undelivered_seconds')).toBe(0);

      const res = await hub.as(hub.sessionFor(hub.fixture.users.cityhall))({
        method: 'POST',
        url: '/api/announcements',
        payload: {
          kind: 'emergency',
          titleJa: '避難指示',
          bodyJa: '高台へ避難してください。',
          target: { type: 'all' },
          confirmWholeCity: true,
        },
      });
      expect(res.statusCode).toBe(201);
      const { id } = res.json<{ id: number }>();
      clock.advance(90_000);
      expect(await metric('tsunagu_emergency_oldest_undelivered_seconds')).toBe(90);
      expect(await metric('tsunagu_emergency_undelivered_terminals')).toBe(3);

      await emitAck(online, 'announcement:receipt', { announcementId: id, stage: 'delivered' });
      expect(await metric('tsunagu_emergency_undelivered_terminals')).toBe(2);
      const late = await hub.connectTerminal(second!.credential);
      await emitAck(late, 'announcement:receipt', { announcementId: id, stage: 'delivered' });
      // The third household's terminal is enrolled but never connected: the emergency still waits for it.
      expect(await metric('tsunagu_emergency_undelivered_terminals')).toBe(1);
      expect(await metric('tsunagu_emergency_oldest_undelivered_seconds')).toBe(90);
      online.close();
      late.close();
    } finally {
      await hub.close();
    }
  });
});
