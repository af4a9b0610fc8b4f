/**
 * The watch ladder and terminal presence, driven by a FakeClock (Asia/Tokyo): a terminal offline too
 * long, a terminal that connects again, a district outage (split from scheduler.test.ts).
 */

import { jst } from '../../testing/fake-clock';
import { enrollTerminal } from '../../testing/harness';
import { until } from '../../testing/until';
import { advanceTo, alertsOf, type Ctx, plan, setup } from '../../testing/watch-ladder';

jest.setTimeout(30_000);

describe('watch ladder and terminal presence', () => {
  let c: Ctx;
  afterEach(async () => {
    await c.hub.close();
  });

  it('a terminal offline too long raises its own alert, cleared when it is back', async () => {
    c = await setup(jst(5, 6, 0));
    const h = c.hh[0]!;
    await plan(c, h, { offlineAlertMinutes: 120, days: [] });
    await c.hub.stores.terminals.setPresence(c.terminals[0]!, false, c.clock.now());
    await c.watch.tick();
    await advanceTo(c, jst(5, 7, 59));
    expect(await alertsOf(c, h, 'terminal_offline')).toEqual([]);
    expect((await c.watch.board([h])).rows[0]!.status).toBe('terminal_offline');
    await advanceTo(c, jst(5, 8, 0));
    expect(await alertsOf(c, h, 'terminal_offline')).toMatchObject([{ level: 1, state: 'open' }]);
  });

  it('a terminal that connects closes its offline alert; with none to close, it commits nothing of its own', async () => {
    c = await setup(jst(5, 6, 0));
    const [h0, h1] = c.hh as [number, number];
    await plan(c, h0, { offlineAlertMinutes: 120, days: [] });
    await c.hub.stores.terminals.setPresence(c.terminals[0]!, false, c.clock.now());
    await c.watch.tick();
    await advanceTo(c, jst(5, 8, 0));
    expect(await alertsOf(c, h0, 'terminal_offline')).toMatchObject([{ state: 'open' }]);
    const back = await c.hub.connectTerminal(c.credentials[0]!);
    await until(async () => (await alertsOf(c, h0, 'terminal_offline'))[0]!.state === 'resolved');
    expect(await alertsOf(c, h0, 'terminal_offline')).toMatchObject([{ state: 'resolved', outcome: 'back_online' }]);
    back.close();
    // What closing it set off (the notifications settled for it) ends before the count below begins.
    await c.watch.settle();
    await c.hub.capabilities.notifications.settle();

    // Another household's terminal, no alert open: no unit of work that waits for the disk (a reconnect
    // storm made one per terminal), but for the schedule's own look, which a change of presence wakes
    // (once for many). What terminals write on connecting (presence) does not wait for the disk.
    const flushed: string[] = [];
    let presenceWritten = false;
    const real = c.hub.ctx.sql.transaction.bind(c.hub.ctx.sql);
    const units = jest.spyOn(c.hub.ctx.sql, 'transaction').mockImplementation(((work, options) => {
      const stack = new Error().stack ?? '';
      if (options?.flush === false) presenceWritten = true;
      else if (!stack.includes('watch/scheduler.ts')) flushed.push(stack);
      return real(work, options);
    }) as typeof real);
    const other = await c.hub.connectTerminal(c.credentials[1]!);
    await c.watch.settle();
    await until(() => presenceWritten);
    await c.watch.settle();
    expect(flushed).toEqual([]);
    expect(await alertsOf(c, h1, 'terminal_offline')).toEqual([]);
    units.mockRestore();
    other.close();
  });

  it('a district outage raises one district alert and marks missed check-ins there', async () => {
    c = await setup(jst(5, 8, 0));
    const district = c.hub.fixture.districts[0]!;
    // Four more households with terminals in the first district: five in all.
    const extra: number[] = [];
    for (const i of [1, 2, 3, 4])
      extra.push(
        await c.hub.stores.households.create(
          { name: `追加${i}`, address: 'x', districtId: district, residents: [] },
          c.clock.now(),
        ),
      );
    for (const h of extra) {
      await c.hub.stores.households.assignWatcher(h, c.hub.fixture.users.watcher, 1);
      const { terminalId } = await enrollTerminal(c.hub, h);
      await c.hub.stores.terminals.setPresence(terminalId, true, c.clock.now());
    }
    const inDistrict = [c.hh[0]!, ...extra];
    for (const h of [...c.hh, ...extra]) await plan(c, h, { offlineAlertMinutes: 30 });
    // Power cut at 08:00: three of five go down within two minutes.
    const terminals = new Map((await c.hub.stores.households.list()).map((h) => [h.id, h.terminal!.id]));
    const terminalOf = (h: number) => terminals.get(h)!;
    for (const [i, h] of inDistrict.slice(0, 3).entries())
      await c.hub.stores.terminals.setPresence(terminalOf(h), false, jst(5, 8, i));
    await c.watch.tick();
    await advanceTo(c, jst(5, 8, 6));
    // Two have been down five minutes, the third only four: not yet an outage.
    expect(await c.hub.ctx.sql.get("SELECT COUNT(*) AS n FROM watch_alerts WHERE kind = 'district_outage'")).toEqual({
      n: 0,
    });
    await advanceTo(c, jst(5, 8, 7));
    const district1 = await c.hub.ctx.sql.all<{ id: number; district_id: number; level: number }>(
      "SELECT * FROM watch_alerts WHERE kind = 'district_outage'",
    );
    expect(district1).toMatchObject([{ district_id: district, level: 1 }]);

    await advanceTo(c, jst(5, 10, 0));
    for (const h of inDistrict) expect(await alertsOf(c, h, 'terminal_offline')).toEqual([]); // one alert, not one per household
    for (const h of inDistrict) expect((await alertsOf(c, h))[0]).toMatchObject({ possible_outage: 1 });
    expect((await alertsOf(c, c.hh[1]!))[0]).toMatchObject({ possible_outage: 0 }); // another district
    expect((await c.watch.board([c.hh[0]!])).rows[0]!.possibleOutage).toBe(true);

    // Power back: the district alert resolves itself.
    for (const h of inDistrict) await c.hub.stores.terminals.setPresence(terminalOf(h), true, c.clock.now());
    await c.watch.tick();
    expect(await c.hub.ctx.sql.get('SELECT state, outcome FROM watch_alerts WHERE id = ?', [district1[0]!.id])).toEqual(
      {
        state: 'resolved',
        outcome: 'back_online',
      },
    );
  });
});
