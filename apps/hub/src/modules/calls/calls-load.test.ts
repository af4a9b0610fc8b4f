import type { CallInfo, QueuePosition } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import { openDatabase } from '../../db/database';
import { createTestHub, emitAck, TEST_PASSWORD } from '../../testing/harness';
import { databaseOf, restartOn, TEST_ENGINE } from '../../testing/test-engine';
import type { CallsService } from './service';

// Calls under many callers at once, and across a hub restart (calls.test.ts has the one-call cases).
type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

describe('calls: many concurrent callers and operators', () => {
  it('never assigns one call to two operators nor two calls to one operator', async () => {
    const hub = await createTestHub();
    try {
      const N_OPS = 5;
      const N_CALLERS = 16;
      const ops: { id: number; socket: Socket }[] = [];
      for (let i = 0; i < N_OPS; i++) {
        const u = await hub.services.accounts.createUser({
          username: `busy-op-${i}`,
          displayName: `op${i}`,
          password: TEST_PASSWORD,
          role: 'operator',
          shopId: hub.fixture.shopId,
        });
        const s = await hub.staff(u.username);
        ops.push({ id: u.id, socket: s });
      }
      const terminals: Socket[] = [];
      for (let i = 0; i < N_CALLERS; i++) {
        const hh = await hub.stores.households.create(
          { name: `並行${i}`, address: 'x', districtId: hub.fixture.districts[0]!, residents: [] } as never,
          hub.clock.now(),
        );
        const t = await hub.connectTerminal((await hub.enrollTerminal(hh)).credential);
        terminals.push(t);
      }
      const answeredBy = new Map<number, number[]>();
      const current = new Map<number, number | null>();
      const overlaps: string[] = [];
      const connectedOnTerminal = new Map<number, number>();
      let done = 0;
      const allDone = new Promise<void>((resolve) => {
        for (const op of ops) {
          current.set(op.id, null);
          op.socket.on('call:ringing', async (info: CallInfo) => {
            // Every operator also tries to grab calls that ring for others: they must be refused.
            for (const other of ops)
              if (other !== op) void emitAck(other.socket, 'call:answer', { callId: info.callId });
            const r = await emitAck<Ack<CallInfo>>(op.socket, 'call:answer', { callId: info.callId });
            if (!r.ok) return;
            if (current.get(op.id) !== null)
              overlaps.push(`operator ${op.id} got ${info.callId} while in ${current.get(op.id)}`);
            current.set(op.id, info.callId);
            answeredBy.set(info.callId, [...(answeredBy.get(info.callId) ?? []), op.id]);
            await new Promise((res) => setTimeout(res, 5 + Math.random() * 20));
            current.set(op.id, null);
            await emitAck(op.socket, 'call:hangUp', { callId: info.callId });
            await emitAck(op.socket, 'call:endAfterCallWork', {});
            done += 1;
            if (done === N_CALLERS) resolve();
          });
        }
      });
      for (const t of terminals)
        t.on('call:connected', (i: CallInfo) =>
          connectedOnTerminal.set(i.callId, (connectedOnTerminal.get(i.callId) ?? 0) + 1),
        );
      // Callers and operators all at once.
      await Promise.all([
        ...terminals.map((t) => emitAck(t, 'call:request', { shopId: hub.fixture.shopId })),
        ...ops.map((o) => emitAck(o.socket, 'call:setAvailability', { availability: 'available' })),
      ]);
      await allDone;
      expect(overlaps).toEqual([]);
      expect(answeredBy.size).toBe(N_CALLERS);
      for (const [, by] of answeredBy) expect(by).toHaveLength(1);
      expect([...connectedOnTerminal.values()].every((n) => n === 1)).toBe(true);
      const figures = (hub.capabilities.calls as CallsService).queueView(hub.fixture.shopId).figures;
      expect(figures.answered).toBe(N_CALLERS);
      expect(figures.callsPerOperator.reduce((a, c) => a + c.answered, 0)).toBe(N_CALLERS);
    } finally {
      await hub.close();
    }
  }, 30_000);
});

describe('calls: a hub restart', () => {
  it('keeps callback requests in their place; live waiting calls are closed as abandoned', async () => {
    // On SQLite the database is passed in, so it stays open when the hub stops: the "disk" survives.
    const db = TEST_ENGINE === 'sqlite' ? openDatabase(':memory:') : undefined;
    const first = await createTestHub(db ? { db } : {});
    const t0 = await first.terminal(0);
    const t1 = await first.terminal(1);
    const a = await emitAck<Ack<QueuePosition>>(t0, 'call:request', { shopId: first.fixture.shopId });
    const b = await emitAck<Ack<QueuePosition>>(t1, 'call:request', { shopId: first.fixture.shopId });
    if (!a.ok || !b.ok) throw new Error();
    await emitAck(t1, 'call:requestCallback', { callId: b.data.callId });
    t0.close();
    t1.close();
    first.closeSockets();
    await first.app.close();
    // As if the hub had crashed with the first caller still waiting (a clean stop abandons it itself).
    const database = await databaseOf(first);
    await database.sql.run("UPDATE calls SET status = 'waiting', ended_at = NULL, end_reason = NULL WHERE id = ?", [
      a.data.callId,
    ]);
    await database.close();

    const second = await restartOn(first);
    try {
      const calls = second.capabilities.calls as CallsService;
      expect(calls.queueView(first.fixture.shopId).entries).toEqual([
        expect.objectContaining({ callId: b.data.callId, callback: true }),
      ]);
      expect(await second.ctx.sql.get('SELECT status FROM calls WHERE id = ?', [a.data.callId])).toEqual({
        status: 'abandoned',
      });
    } finally {
      await second.app.close();
      await first.close();
      db?.close();
    }
  });
});
