import type { HealthCheckReport, SystemStatus } from '@tsunagu/protocol';
import { Registry } from 'prom-client';
import { FakeClock } from '../lib/clock';
import { type TestHub, withHub } from '../testing/harness';
import { type CheckResult, createHealth } from './health';

const silent = { info() {}, warn() {}, error() {} } as never;

function registryWith(clock = new FakeClock()) {
  const changes: HealthCheckReport[][] = [];
  const health = createHealth({ clock, log: silent, registry: new Registry() });
  health.onChange((_s, changed) => changes.push(changed));
  return { health, clock, changes };
}

describe('readiness registry', () => {
  it('is ready while every critical check passes; a failing non-critical check only degrades it', async () => {
    const { health } = registryWith();
    let jma: CheckResult = { status: 'ok', message: 'fresh' };
    let db: CheckResult = { status: 'ok', message: 'writable' };
    health.register({ name: 'db', critical: true, run: () => db });
    health.register({ name: 'jma', critical: false, run: () => jma });

    expect(await health.evaluate()).toMatchObject({ ready: true, status: 'ok' });
    jma = { status: 'fail', reason: 'stale', message: 'no feed for 20 min', values: { lagSeconds: 1200 } };
    const degraded = await health.evaluate();
    expect(degraded).toMatchObject({ ready: true, status: 'degraded' });
    expect(degraded.checks[1]).toMatchObject({
      name: 'jma',
      status: 'fail',
      critical: false,
      reason: 'stale',
      values: { lagSeconds: 1200 },
    });
    db = { status: 'fail', reason: 'disk_full', message: 'full' };
    expect(await health.evaluate()).toMatchObject({ ready: false, status: 'unavailable' });
  });

  it('says since when each check is in its status, and tells listeners only about changes', async () => {
    const { health, clock, changes } = registryWith();
    let status: CheckResult['status'] = 'ok';
    health.register({ name: 'disk', critical: true, run: () => ({ status, message: '' }) });
    const first = await health.evaluate();
    expect(changes).toEqual([]); // ok at start-up is not news
    clock.advance(60_000);
    status = 'warn';
    await health.evaluate();
    clock.advance(60_000);
    const later = await health.evaluate();
    expect(changes.map((c) => c.map((r) => `${r.name}:${r.status}`))).toEqual([['disk:warn']]);
    expect(Date.parse(later.checks[0]!.since) - Date.parse(first.checks[0]!.since)).toBe(60_000);
    expect(later.checkedAt).toBe(new Date(clock.now()).toISOString());
  });

  it('fails a check that throws or does not answer in time, naming why', async () => {
    const { health } = registryWith();
    health.register({
      name: 'redis',
      critical: true,
      run: () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      },
    });
    health.register({ name: 'mail', critical: false, timeoutMs: 50, run: () => new Promise<CheckResult>(() => {}) });
    const s = await health.evaluate();
    expect(s.checks).toEqual([
      expect.objectContaining({
        name: 'redis',
        status: 'fail',
        reason: 'error',
        message: expect.stringContaining('ECONNREFUSED'),
      }),
      expect.objectContaining({ name: 'mail', status: 'fail', reason: 'timeout' }),
    ]);
  });

  it('refuses a badly named or duplicate check at registration', () => {
    const { health } = registryWith();
    const check = { critical: true, run: (): CheckResult => ({ status: 'ok', message: '' }) };
    expect(() => health.register({ name: 'Push Channel', ...check })).toThrow(/lower case/);
    health.register({ name: 'push', ...check });
    expect(() => health.register({ name: 'push', ...check })).toThrow(/twice/);
  });

  it('runs the checks once for concurrent callers (a scrape and a probe at the same moment)', async () => {
    const { health } = registryWith();
    let runs = 0;
    health.register({ name: 'db', critical: true, run: async () => ({ status: 'ok', message: String(++runs) }) });
    const [a, b] = await Promise.all([health.evaluate(), health.evaluate()]);
    expect(runs).toBe(1);
    expect(a).toBe(b);
  });
});

describe('/healthz, /readyz and the readiness metrics', () => {
  const TOKEN = 'monitoring-token-0123456789abcdef';
  const monitoring = { authorization: `Bearer ${TOKEN}` };
  let hub: TestHub;
  withHub('all', (made) => (hub = made), {
    clock: new FakeClock(Date.UTC(2026, 0, 5, 1)),
    config: { metrics: { token: TOKEN, listen: null } },
  });

  it('answers /readyz 200 with the hub’s own checks named, and /healthz without looking at storage', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/readyz', headers: monitoring });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<SystemStatus>();
    expect(body.ready).toBe(true);
    // The hub's own storage checks are critical; channels (Web Push, mail) are checked but not critical.
    expect(body.checks.filter((c) => c.critical).map((c) => c.name)).toEqual(['database', 'migrations', 'disk']);
    expect(body.checks.every((c) => c.status === 'ok')).toBe(true);
    expect(body.checks.find((c) => c.name === 'disk')!.values).toEqual(
      expect.objectContaining({ freeBytes: expect.any(Number), warnBytes: 1024 ** 3, reserveBytes: 256 * 1024 ** 2 }),
    );
    expect((await hub.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('shows strangers each check’s status but not its messages and figures', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token-wrong' }]) {
      const res = await hub.app.inject({ method: 'GET', url: '/readyz', headers });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ checks: Record<string, unknown>[] }>();
      expect(body).toMatchObject({ ready: true, status: 'ok' });
      // Each check's name, status and whether it is critical: nothing else (no messages, no figures).
      for (const check of body.checks) expect(Object.keys(check).sort()).toEqual(['critical', 'name', 'status']);
      expect(body.checks.filter((c) => c.critical)).toEqual(
        ['database', 'migrations', 'disk'].map((name) => ({ name, status: 'ok', critical: true })),
      );
    }
  });

  it('answers 503 naming the failing check when a registered critical check fails, 200 for a non-critical one', async () => {
    let feed: CheckResult = { status: 'fail', reason: 'stale', message: 'no JMA feed for 20 minutes' };
    let postgres: CheckResult = { status: 'ok', message: 'reachable' };
    hub.ctx.health.register({ name: 'jma_test', critical: false, run: () => feed });
    hub.ctx.health.register({ name: 'postgres_test', critical: true, run: () => postgres });

    let res = await hub.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json<SystemStatus>().status).toBe('degraded');

    postgres = { status: 'fail', reason: 'unreachable', message: 'connect ECONNREFUSED' };
    res = await hub.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    const failing = res.json<SystemStatus>().checks.filter((c) => c.status === 'fail' && c.critical);
    expect(failing).toEqual([{ name: 'postgres_test', status: 'fail', critical: true, reason: 'unreachable' }]);

    const metrics = (await hub.app.inject({ method: 'GET', url: '/metrics', headers: monitoring })).body;
    expect(metrics).toMatch(/^tsunagu_ready 0$/m);
    expect(metrics).toMatch(/^tsunagu_health_check_status\{check="postgres_test",critical="true",status="fail"\} 1$/m);
    expect(metrics).toMatch(/^tsunagu_health_check_status\{check="database",critical="true",status="ok"\} 1$/m);
    expect(metrics).toMatch(/^tsunagu_health_check_status\{check="jma_test",critical="false",status="ok"\} 0$/m);
    expect(metrics).toMatch(/^tsunagu_disk_free_bytes \d+$/m);

    postgres = { status: 'ok', message: 'reachable' };
    feed = { status: 'ok', message: 'fresh' };
    expect((await hub.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
