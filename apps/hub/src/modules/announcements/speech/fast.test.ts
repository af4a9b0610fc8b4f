import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { as, createTestHub, sessionFor, type TestHub } from '../../../testing/harness';
import { until } from '../../../testing/until';

// The clip's fast path answers before Fastify's router, so these requests go over real HTTP
// (inject would skip it). Each refusal must come out exactly as the route words it.
describe("the voice clip's fast path", () => {
  let hub: TestHub;
  let base: string;
  let dataDir: string;
  /** Requests Fastify's router saw (the fast path's answers never reach it). */
  let routed: string[];
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-fast-'));
    hub = await createTestHub({ config: { dataDir, speechTools: {} } });
    routed = [];
    hub.app.addHook('onRequest', async (request) => void routed.push(request.url));
    base = await hub.listen();
  });
  afterEach(async () => {
    await hub.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const cityhall = () => as(hub, sessionFor(hub, hub.fixture.users.cityhall));
  async function publish(): Promise<string> {
    const res = await cityhall()({
      method: 'POST',
      url: '/api/announcements',
      payload: {
        kind: 'important',
        titleJa: '断水のお知らせ',
        bodyJa: '12/3 10:00から、大字上野で断水します。',
        target: { type: 'households', householdIds: [hub.fixture.households[0]] },
      },
    });
    expect(res.statusCode).toBe(201);
    routed = [];
    return `/api/announcements/${res.json().id}/speech`;
  }
  const get = (url: string, headers: Record<string, string> = {}) => fetch(new URL(url, base), { headers });
  const bearer = (credential: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${credential}`,
    ...extra,
  });
  const comparable = (headers: Headers | [string, string][]) => {
    const list: [string, string][] = [];
    if (Array.isArray(headers)) list.push(...headers);
    else headers.forEach((value, name) => void list.push([name, value]));
    return list.filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name)).sort();
  };

  it('answers a targeted terminal with the same bytes and headers as the route, and 304 when unchanged', async () => {
    const url = await publish();
    const terminal = await hub.enrollTerminal(hub.fixture.households[0]!);
    // The clip is read into memory just after the publish is answered (speech/spoken.ts): until it
    // is there, the route answers. Then the fast path does. On PostgreSQL the hub hears its own
    // changes (the publish, the enrolment) back a round trip later and forgets what they touch:
    // each try waits for that first.
    await until(async () => {
      await hub.ctx.changes.heard();
      routed = [];
      await (await get(url, bearer(terminal.credential))).arrayBuffer();
      return routed.length === 0;
    }, 10_000);
    const fast = await get(url, bearer(terminal.credential));
    expect(fast.status).toBe(200);
    const bytes = Buffer.from(await fast.arrayBuffer());
    expect(routed).toEqual([]);

    const viaRoute = await as(hub, { bearer: terminal.credential })({ method: 'GET', url });
    expect(viaRoute.statusCode).toBe(200);
    expect(bytes.equals(viaRoute.rawPayload)).toBe(true);
    expect(comparable(fast.headers)).toEqual(
      comparable(Object.entries(viaRoute.headers).map(([k, v]) => [k, String(v)] as [string, string])),
    );
    expect(fast.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(fast.headers.get('x-content-type-options')).toBe('nosniff');

    const etag = fast.headers.get('etag')!;
    routed = [];
    const same = await get(`${url}?lang=ja`, bearer(terminal.credential, { 'if-none-match': etag }));
    expect(same.status).toBe(304);
    expect((await same.arrayBuffer()).byteLength).toBe(0);
    expect(same.headers.get('etag')).toBe(etag);
    expect(routed).toEqual([]);

    // New readings change the clip: the fast path serves the new one, not a remembered answer.
    const patched = await cityhall()({
      method: 'PATCH',
      url: url.replace('/speech', ''),
      payload: { readings: [{ text: '上野', reading: 'うえの' }] },
    });
    expect(patched.statusCode).toBe(200);
    const changed = await get(url, bearer(terminal.credential, { 'if-none-match': etag }));
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(Buffer.from(await changed.arrayBuffer()).equals(bytes)).toBe(false);
  });

  it('leaves every refusal and every other caller to the route, which answers as before', async () => {
    const url = await publish();
    const targeted = await hub.enrollTerminal(hub.fixture.households[0]!);
    const other = await hub.enrollTerminal(hub.fixture.households[1]!);
    expect((await get(url, bearer(targeted.credential))).status).toBe(200);

    const refusals: [string, Record<string, string>, number, string][] = [
      [url, bearer(other.credential), 404, 'NOT_FOUND'],
      [url, bearer('tsd_unknown'), 401, 'UNAUTHENTICATED'],
      [url, {}, 401, 'UNAUTHENTICATED'],
      [`${url}?lang=fr`, bearer(targeted.credential), 400, 'VALIDATION_FAILED'],
      [`${url}?lang=ja&x=1`, bearer(targeted.credential), 400, 'VALIDATION_FAILED'],
      ['/api/announcements/99999/speech', bearer(targeted.credential), 404, 'NOT_FOUND'],
    ];
    for (const [path, headers, status, code] of refusals) {
      const res = await get(path, headers);
      expect([path, res.status]).toEqual([path, status]);
      expect((await res.json()).error.code).toBe(code);
    }
    // Staff and API keys are answered by the route itself.
    const { key } = await hub.services.accounts.createApiKey('alert-gateway', 'cityhall', null);
    routed = [];
    expect((await get(url, bearer(key))).status).toBe(200);
    expect(routed).toEqual([url]);
  });

  it('refuses a terminal at once after it is revoked, replaced or re-enrolled, having served it before', async () => {
    const url = await publish();
    const s = await hub.login('cityhall');
    const ends: ((t: { terminalId: number }) => Promise<unknown>)[] = [
      (t) => hub.as(s)({ method: 'POST', url: `/api/terminals/${t.terminalId}/revoke` }),
      (t) => hub.as(s)({ method: 'POST', url: `/api/terminals/${t.terminalId}/replace` }),
      async () => hub.enrollTerminal(hub.fixture.households[0]!),
    ];
    for (const end of ends) {
      const t = await hub.enrollTerminal(hub.fixture.households[0]!);
      expect((await get(url, bearer(t.credential))).status).toBe(200);
      await end(t);
      const res = await get(url, bearer(t.credential));
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('UNAUTHENTICATED');
    }
  });
});
