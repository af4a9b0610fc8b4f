/**
 * A change that other hubs keep a copy of is answered only once they are told (db/changes.ts): a
 * caller holding the answer — and a test that then waits for the hubs to hear everything committed
 * (`changes.heard()`) — finds the notice sent. Each notice is made slow here (testing/notices.ts);
 * sent after the answer, as they once were, none would be in `told` yet.
 */

import { type TestHub, withHub } from '../testing/harness';
import { type SlowNotices, slowNotices } from '../testing/notices';
import { WEEKDAY_PLAN } from '../testing/plans';

describe('changes other hubs keep are answered once the other hubs are told', () => {
  let hub: TestHub;
  let notices: SlowNotices;
  withHub('each', (made) => {
    hub = made;
  });
  beforeEach(() => {
    notices = slowNotices(hub);
  });
  afterEach(() => notices.restore());
  const as = async (username: string) => hub.as(await hub.login(username));

  it("a terminal's enrolment (revoking the one before) and its revocation", async () => {
    const h = hub.fixture.households[0]!;
    const first = await hub.enrollTerminal(h);
    expect(notices.told).toEqual([`terminals_revoked ${h}:`]);
    const second = await hub.enrollTerminal(h);
    expect(notices.told.splice(0)).toEqual([`terminals_revoked ${h}:`, `terminals_revoked ${h}:${first.terminalId}`]);
    const city = await as('cityhall');
    expect((await city({ method: 'POST', url: `/api/terminals/${second.terminalId}/revoke` })).statusCode).toBe(200);
    expect(notices.told).toEqual([`terminals_revoked ${h}:${second.terminalId}`]);
  });

  it('a sign-out (another hub keeps the session until it hears)', async () => {
    const s = await hub.login('operator');
    notices.told.length = 0;
    expect((await hub.as(s)({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(200);
    expect(notices.told).toEqual([expect.stringMatching(/^sessions \{"sessionId":\d+\}$/)]);
  });

  it("a household's check-in plan, saved and reset (a check-in on another hub counts against the new one)", async () => {
    const h = hub.fixture.households[0]!;
    const city = await as('cityhall');
    const put = await city({
      method: 'PUT',
      url: `/api/watch/plans/${h}`,
      payload: WEEKDAY_PLAN,
    });
    expect(put.statusCode).toBe(200);
    expect(notices.told.splice(0)).toEqual([`checkin_plans ${h}`]);
    const reset = await city({ method: 'DELETE', url: `/api/watch/plans/${h}` });
    expect(reset.statusCode).toBeLessThan(300);
    expect(notices.told).toEqual([`checkin_plans ${h}`]);
  });

  it("a household's details (the calls' names on another hub)", async () => {
    const h = hub.fixture.households[0]!;
    const city = await as('cityhall');
    const edited = await city({ method: 'PATCH', url: `/api/households/${h}`, payload: { phone: '0422-99-0000' } });
    expect(edited.statusCode).toBe(200);
    expect(notices.told).toContain(`households_changed ${h}`);
  });
});
