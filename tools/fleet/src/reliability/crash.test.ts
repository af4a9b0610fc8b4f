/**
 * Crash safety: the hub runs as a child process and is killed with SIGKILL in the middle of an
 * emergency announcement to a fleet of terminals, and in the middle of a burst of check-ins. After
 * a restart the database is intact, every write the hub acknowledged is there, and every targeted
 * terminal ends up showing the announcement exactly once.
 *
 * Sizes: TSUNAGU_CRASH_TERMINALS (default 1000) and TSUNAGU_CRASH_CHECKINS (default 300).
 */
import { randomUUID } from 'node:crypto';
import { type ChildCity, type ChildHub, childCity, openReadOnly } from '@tsunagu/hub/testing/child-hub';
import { connectFleet, EVACUATION_ORDER, type FleetTerminal, waitFor } from './terminals';

const TERMINALS = Number(process.env.TSUNAGU_CRASH_TERMINALS ?? 1000);
const CHECKINS = Number(process.env.TSUNAGU_CRASH_CHECKINS ?? 300);

jest.setTimeout(150_000);

async function post(url: string, apiKey: string, pathname: string, body: unknown) {
  const res = await fetch(`${url}${pathname}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('hub killed with SIGKILL', () => {
  let city: ChildCity;
  let hub: ChildHub | null = null;
  let fleet: FleetTerminal[] = [];

  beforeAll(async () => {
    city = await childCity('crash', Math.max(TERMINALS, CHECKINS));
    hub = await city.start();
  });

  afterAll(async () => {
    for (const t of fleet) t.close();
    await hub?.kill9();
    city?.dispose();
  });

  it(`during an emergency announcement to ${TERMINALS} terminals: intact, acknowledged writes kept, shown exactly once everywhere`, async () => {
    fleet = await connectFleet(hub!.url, city.terminals.slice(0, TERMINALS));

    const publish = post(hub!.url, city.apiKey, '/api/announcements', EVACUATION_ORDER).catch(() => null);
    // Kill while the fan-out is under way: as soon as the first terminal has it.
    await waitFor(() => fleet.some((t) => t.arrivals > 0), 30_000, 2);
    const before = fleet.filter((t) => t.screen.size > 0).length;
    const receiptsAcked = fleet.flatMap((t) => [...t.receiptsStored].map((id) => [t.identity.terminalId, id]));
    await hub!.kill9();
    const answer = await publish;
    expect(before).toBeGreaterThan(0);

    const killedAt = Date.now();
    hub = await city.start();
    const restartedAt = Date.now();
    const db = openReadOnly(city.dataDir);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db.prepare("SELECT id, status FROM announcements WHERE kind = 'emergency'").all() as {
        id: number;
        status: string;
      }[];
      // A terminal saw it, and the hub stores before it sends: it must be there, published.
      expect(rows).toHaveLength(1);
      expect(rows[0]!.status).toBe('published');
      const id = rows[0]!.id;
      if (answer?.status === 201) expect(answer.body.id).toBe(id);
      // Every receipt the hub acknowledged before it died is stored.
      const stored = new Set(
        (
          db.prepare('SELECT terminal_id FROM announcement_receipts WHERE announcement_id = ?').all(id) as {
            terminal_id: number;
          }[]
        ).map((r) => r.terminal_id),
      );
      for (const [terminalId] of receiptsAcked) expect(stored.has(terminalId!)).toBe(true);

      // Every terminal reconnects by itself and ends up with it, on screen once.
      const all = await waitFor(() => fleet.every((t) => t.screen.has(id)), 90_000, 100);
      const missing = fleet.filter((t) => !t.screen.has(id)).length;
      console.log(
        `SIGKILL with ${before}/${TERMINALS} terminals showing it (publish answered: ${answer?.status ?? 'no'}); ` +
          `hub back in ${restartedAt - killedAt} ms; all ${TERMINALS} showing it ${Date.now() - killedAt} ms after the kill`,
      );
      expect({ all, missing }).toEqual({ all: true, missing: 0 });
      for (const t of fleet) {
        expect(t.shownAsNew.get(id)).toBe(1);
        expect(t.screen.size).toBe(1);
        expect(t.duplicateInSync).toBe(0);
      }
      // Delivered receipts catch up too (terminals resend until stored).
      await waitFor(() => fleet.every((t) => t.receiptsStored.has(id)), 60_000, 100);
      const count = db
        .prepare(
          'SELECT COUNT(*) AS n FROM announcement_receipts WHERE announcement_id = ? AND delivered_at IS NOT NULL',
        )
        .get(id) as { n: number };
      expect(count.n).toBe(TERMINALS);
    } finally {
      db.close();
    }
    for (const t of fleet) t.close();
    fleet = [];
  });

  it(`during a burst of ${CHECKINS} check-ins: intact, every acknowledged check-in kept, a resend counted once`, async () => {
    fleet = await connectFleet(hub!.url, city.terminals.slice(0, CHECKINS), { sendReceipts: false });
    const keys = fleet.map(() => randomUUID());
    const acked = new Set<number>();
    const pressedAt = new Date().toISOString();
    const sends = fleet.map(async (t, i) => {
      try {
        const ack = (await t.socket
          .timeout(10_000)
          .emitWithAck('checkin:submit', { idempotencyKey: keys[i], pressedAt })) as { ok: boolean };
        if (ack.ok) acked.add(i);
      } catch {
        // the hub died before answering: the terminal keeps it queued and resends
      }
    });
    await waitFor(() => acked.size >= Math.min(20, CHECKINS / 4), 30_000, 1);
    await hub!.kill9();
    await Promise.all(sends);
    expect(acked.size).toBeGreaterThan(0);

    hub = await city.start();
    const db = openReadOnly(city.dataDir);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const byKey = (key: string) =>
        db.prepare('SELECT COUNT(*) AS n FROM checkins WHERE idempotency_key = ?').get(key) as { n: number };
      for (const i of acked) expect(byKey(keys[i]!).n).toBe(1);
      console.log(`SIGKILL after ${acked.size}/${CHECKINS} check-ins were acknowledged; all of them kept`);

      // The terminals' offline queues resend everything; each check-in is counted exactly once.
      await waitFor(() => fleet.every((t) => t.socket.connected), 60_000, 100);
      const resent = await Promise.all(
        fleet.map(
          (t, i) =>
            t.socket.timeout(20_000).emitWithAck('checkin:submit', { idempotencyKey: keys[i], pressedAt }) as Promise<{
              ok: boolean;
              data: { duplicate: boolean };
            }>,
        ),
      );
      expect(resent.every((r) => r.ok)).toBe(true);
      resent.forEach((r, i) => {
        if (acked.has(i)) expect(r.data.duplicate).toBe(true);
      });
      for (const k of keys) expect(byKey(k).n).toBe(1);
      const perHousehold = db
        .prepare(
          `SELECT household_id, COUNT(*) AS n FROM checkins WHERE idempotency_key IN (${keys.map(() => '?').join(',')}) GROUP BY household_id HAVING n > 1`,
        )
        .all(...keys);
      expect(perHousehold).toEqual([]);
    } finally {
      db.close();
    }
  });
});
