/**
 * A hub restart in the middle of a call: the new process records the call as ended, and both
 * parties are told so when they reconnect (otherwise their screens would go on showing a call the
 * hub no longer knows). Calls waiting for a callback keep their place (calls.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type Hub } from '@tsunagu/hub/app';
import { freePort } from '@tsunagu/hub/testing/child-hub';
import { createTestHub, emitAck, nextEvent, type TestHub } from '@tsunagu/hub/testing/harness';
import { type Ack, type CallInfo, STAFF_NAMESPACE } from '@tsunagu/protocol';
import { io, type Socket } from 'socket.io-client';
import { FleetTerminal, waitFor } from './terminals';

jest.setTimeout(60_000);

it('a call in progress when the hub restarts ends cleanly on both sides', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-restart-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const first: TestHub = await createTestHub({ config: { dataDir }, inMemory: false });
  await first.app.listen({ port, host: '127.0.0.1' });
  const enrolled = await first.enrollTerminal(first.fixture.households[0]!);
  const terminal = new FleetTerminal(url, { ...enrolled, householdId: first.fixture.households[0]! });
  await terminal.connect();
  const operator: Socket = io(`${url}${STAFF_NAMESPACE}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
    extraHeaders: { cookie: first.sessionFor(first.fixture.users.operator).cookie },
  });
  await new Promise<void>((r) => operator.once('connect', () => r()));
  // A hub that shuts down disconnects everyone on purpose; the console connects again, like the terminal.
  operator.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') setTimeout(() => operator.connect(), 200);
  });
  let second: Hub | null = null;
  try {
    await emitAck(operator, 'call:setAvailability', { availability: 'available' });
    const ringing = nextEvent<CallInfo>(operator, 'call:ringing');
    const req = (await terminal.socket.timeout(5000).emitWithAck('call:request', {
      shopId: first.fixture.shopId,
    })) as Ack<unknown>;
    expect(req.ok).toBe(true);
    const { callId } = await ringing;
    expect(await emitAck(operator, 'call:answer', { callId })).toMatchObject({ ok: true });

    const ended: Record<string, string | null> = { terminal: null, operator: null };
    terminal.socket.on('call:ended', (p: { callId: number; reason: string }) => {
      if (p.callId === callId) ended.terminal = p.reason;
    });
    operator.on('call:ended', (p: { callId: number; reason: string }) => {
      if (p.callId === callId) ended.operator = p.reason;
    });

    await first.close();
    second = await buildApp({ config: { dataDir } });
    await second.app.listen({ port, host: '127.0.0.1' });

    await waitFor(() => ended.terminal !== null && ended.operator !== null, 20_000);
    expect(await waitFor(() => ended.terminal !== null && ended.operator !== null, 20_000)).toBe(true);
    expect(ended).toEqual({ terminal: 'connection_lost', operator: 'connection_lost' });
    expect(second.ctx.db.prepare('SELECT status, end_reason FROM calls WHERE id = ?').get(callId)).toEqual({
      status: 'ended',
      end_reason: 'connection_lost',
    });
    // The terminal asks where its call stands after reconnecting (call:sync, as the real terminal's
    // call controller does): the answer says it ended. Once asked, a second reconnection hears
    // nothing more about it.
    const sync = (await terminal.socket.timeout(5000).emitWithAck('call:sync', {})) as Ack<{
      call: unknown;
      ended: { callId: number; reason: string } | null;
    }>;
    expect(sync).toMatchObject({ ok: true, data: { call: null, ended: { callId, reason: 'connection_lost' } } });
    ended.terminal = null;
    terminal.socket.disconnect().connect();
    await waitFor(() => terminal.socket.connected, 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(ended.terminal).toBeNull();
  } finally {
    terminal.close();
    operator.close();
    await second?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
