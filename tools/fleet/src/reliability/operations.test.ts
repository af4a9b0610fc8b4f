/**
 * What docs/operations.md promises about running the hub: the monitoring figures exist, and the
 * reverse-proxy setting decides whose address counts (rate limits and the audit log).
 */
import { connectTerminal, createTestHub, enrollTerminal, TEST_PASSWORD } from '@tsunagu/hub/testing/harness';

describe('operations', () => {
  it('/metrics reports connected terminals and consoles, HTTP and socket figures', async () => {
    const hub = await createTestHub();
    const url = await hub.listen();
    const t = await connectTerminal(url, (await enrollTerminal(hub, hub.fixture.households[0]!)).credential);
    await hub.app.inject({ method: 'GET', url: '/healthz' });
    const text = await hub.ctx.metrics.registry.metrics();
    expect(text).toMatch(/^tsunagu_sockets_connected\{namespace="terminal"\} 1$/m);
    expect(text).toMatch(/^tsunagu_sockets_connected\{namespace="staff"\} 0$/m);
    for (const name of [
      'tsunagu_http_requests_total',
      'tsunagu_http_request_duration_seconds_bucket',
      'tsunagu_hub_nodejs_eventloop_lag_seconds',
      'tsunagu_hub_process_resident_memory_bytes',
      'tsunagu_call_queue_waiting',
      'tsunagu_checkins_total',
      'tsunagu_announcements_published_total',
    ])
      expect(text).toContain(name);
    t.close();
    await hub.close();
  });

  it.each([
    ['unset', '127.0.0.1', undefined],
    ['1', '203.0.113.7', '1'],
  ])('TSUNAGU_TRUST_PROXY %s: the audit log records %s', async (_label, expectedIp, value) => {
    const saved = process.env.TSUNAGU_TRUST_PROXY;
    if (value === undefined) delete process.env.TSUNAGU_TRUST_PROXY;
    else process.env.TSUNAGU_TRUST_PROXY = value;
    try {
      const hub = await createTestHub();
      await hub.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-for': '203.0.113.7' },
        payload: { username: 'watcher', password: TEST_PASSWORD },
      });
      const row = hub.ctx.db.prepare("SELECT ip FROM audit_log WHERE action = 'auth.login'").get() as { ip: string };
      // Without a proxy in front, a client cannot pick its own address to dodge the rate limits.
      expect(row.ip).toBe(expectedIp);
      await hub.close();
    } finally {
      if (saved === undefined) delete process.env.TSUNAGU_TRUST_PROXY;
      else process.env.TSUNAGU_TRUST_PROXY = saved;
    }
  });
});
