/**
 * Two hubs on one real PostgreSQL database (issue 18), the main flow end to end: city hall signs in,
 * publishes an emergency with the hub's voice, a terminal receives it, downloads the clip from both
 * hubs (hub B did not make it: it reads it from the database once), acknowledges, and the receipt is
 * stored; new readings on hub A change the clip hub B serves; a recording uploaded to hub A is served
 * by hub B; an API key publishes under its policy.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from './app';
import { runCommand } from './cli/admin';
import type { Hub } from './hub';
import { publishedId, recordingForm, terminal, testWav } from './testing/announcements';
import { as, createTestHub, emitAck, login, type StaffSession, type TestHub } from './testing/harness';
import { createTestDatabase, type TestDatabase } from './testing/postgres';
import { until } from './testing/until';

let database: TestDatabase;
const dirs: string[] = [];
let a: TestHub;
let b: Hub;
let urlA: string;
let urlB: string;
let cityhall: StaffSession;

/** A hub on the shared database with its own data folder (the real speech programs: a clip is made). */
const config = () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-pg-hub-'));
  dirs.push(dataDir);
  return { database: { engine: 'postgres' as const, url: database.url }, speechTools: {}, dataDir };
};
const listening = async (hub: Hub) => {
  await hub.app.listen({ port: 0, host: '127.0.0.1' });
  const address = hub.app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
};

beforeAll(async () => {
  database = await createTestDatabase();
  a = await createTestHub({ config: config() });
  b = await buildApp({ inMemory: true, config: config() });
  urlA = await a.listen();
  urlB = await listening(b);
  cityhall = await login(a, 'cityhall');
});

afterAll(async () => {
  await a?.close();
  await b?.app.close();
  await database?.drop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** City hall composes an announcement on `hub`. */
const compose = (hub: Parameters<typeof as>[0], payload: Record<string, unknown>) =>
  as(hub, cityhall)({ method: 'POST', url: '/api/announcements', payload });

const clipOf = async (url: string, id: number, credential: string) => {
  const res = await fetch(`${url}/api/announcements/${id}/speech`, {
    headers: { authorization: `Bearer ${credential}` },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    etag: res.headers.get('etag'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
};

describe('hubs on PostgreSQL', () => {
  it('runs an emergency from sign-in to the stored receipt, the clip served by both hubs', async () => {
    const householdId = a.fixture.households[0]!;
    const { terminalId, credential } = await a.enrollTerminal(householdId);
    const onA = await terminal(urlA, credential);
    const res = await compose(a, {
      kind: 'emergency',
      titleJa: '避難指示',
      bodyJa: '大字上野の皆さんは高台へ避難してください。',
      target: { type: 'households', householdIds: [householdId] },
      readings: [{ text: '上野', reading: 'かみの' }],
    });
    expect(res.statusCode).toBe(201);
    const id = (res.json() as { id: number }).id;
    await onA.waitFor(publishedId(id), 'the emergency on the terminal');

    // An emergency waits a second at most for its clip: on a busy machine it is sent first and the
    // clip follows (the terminal asks again), as in an earthquake.
    await until(async () => (await clipOf(urlA, id, credential)).status === 200);
    const fromA = await clipOf(urlA, id, credential);
    expect([fromA.status, fromA.type]).toEqual([200, 'audio/ogg']);
    expect(fromA.bytes.subarray(0, 4).toString('latin1')).toBe('OggS');
    // Hub B never made this clip: it is in the database, and B serves the same bytes.
    const fromB = await clipOf(urlB, id, credential);
    expect([fromB.status, fromB.type, fromB.etag]).toEqual([200, 'audio/ogg', fromA.etag]);
    expect(fromB.bytes.equals(fromA.bytes)).toBe(true);

    expect(await emitAck(onA.socket, 'announcement:receipt', { announcementId: id, stage: 'acknowledged' })).toEqual({
      ok: true,
      data: expect.anything(),
    });
    const stored = await database.pg.query(
      'SELECT acknowledged_at FROM announcement_receipts WHERE announcement_id = $1 AND terminal_id = $2',
      [id, terminalId],
    );
    expect(stored.rows).toEqual([{ acknowledged_at: expect.any(Number) }]);
    onA.close();
  });

  it("serves on hub B the clip of the readings city hall changed on hub A (B's kept clip is forgotten)", async () => {
    const householdId = a.fixture.households[1]!;
    const { credential } = await a.enrollTerminal(householdId);
    const res = await compose(a, {
      kind: 'important',
      titleJa: '断水のお知らせ',
      bodyJa: '大字上野で断水します。',
      target: { type: 'households', householdIds: [householdId] },
    });
    expect(res.statusCode).toBe(201);
    const id = (res.json() as { id: number }).id;
    const before = await clipOf(urlB, id, credential);
    expect(before.status).toBe(200);
    // Asked again: B answers from what it keeps.
    expect((await clipOf(urlB, id, credential)).etag).toBe(before.etag);

    const patched = await as(
      a,
      cityhall,
    )({
      method: 'PATCH',
      url: `/api/announcements/${id}`,
      payload: { readings: [{ text: '上野', reading: 'かみの' }] },
    });
    expect(patched.statusCode).toBe(200);
    const onA = await clipOf(urlA, id, credential);
    expect(onA.status).toBe(200);
    expect(onA.etag).not.toBe(before.etag);
    // B hears of the change through the database and serves the new clip.
    await until(async () => (await clipOf(urlB, id, credential)).etag === onA.etag, 20_000);
    expect((await clipOf(urlB, id, credential)).bytes.equals(onA.bytes)).toBe(true);
  });

  it("serves on hub B city hall's recording uploaded to hub A (in the database, not A's data folder)", async () => {
    const wav = testWav(4096, 3);
    const form = recordingForm(wav, 'chime.wav');
    const uploaded = await as(
      a,
      cityhall,
    )({
      method: 'POST',
      url: '/api/announcements/audio',
      headers: { 'content-type': form.contentType },
      payload: form.body,
    });
    expect(uploaded.statusCode).toBe(201);
    const { audioId } = uploaded.json() as { audioId: string };
    const householdId = a.fixture.households[2]!;
    const { credential } = await a.enrollTerminal(householdId);
    // Composed on hub B with the recording A took (B checks it in the database).
    const res = await compose(b, {
      kind: 'routine',
      titleJa: '市長からのお知らせ',
      bodyJa: '録音をお聞きください。',
      audioId,
      target: { type: 'households', householdIds: [householdId] },
    });
    expect([res.statusCode, res.json().status]).toEqual([201, 'published']);
    const id = (res.json() as { id: number }).id;
    for (const url of [urlB, urlA]) {
      const heard = await fetch(`${url}/api/terminal/announcements/${id}/audio`, {
        headers: { authorization: `Bearer ${credential}` },
      });
      expect([heard.status, heard.headers.get('content-type')]).toEqual([200, 'audio/wav']);
      expect(Buffer.from(await heard.arrayBuffer()).equals(wav)).toBe(true);
    }
  });

  it('lets an API key with a policy publish (its key looked up in PostgreSQL)', async () => {
    const { id: keyId, key } = await a.services.accounts.createApiKey('alert-gateway', 'cityhall', null);
    const admin = await login(a, 'admin');
    const unknown = await as(
      a,
      admin,
    )({
      method: 'PUT',
      url: '/api/announcements/sender-policies/999999',
      payload: { capSender: null, publish: 'auto' },
    });
    expect(unknown.statusCode).toBe(404);
    const policy = await as(
      a,
      admin,
    )({
      method: 'PUT',
      url: `/api/announcements/sender-policies/${keyId}`,
      payload: { capSender: null, publish: 'auto' },
    });
    expect(policy.statusCode).toBe(200);
    // Published through hub B, which reads the key and its policy from the shared database.
    const res = await as(b, { bearer: key })({
      method: 'POST',
      url: '/api/announcements',
      payload: {
        kind: 'routine',
        titleJa: '防災訓練のお知らせ',
        bodyJa: '日曜日に訓練があります。',
        target: { type: 'households', householdIds: [a.fixture.households[0]!] },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'published' });
  });

  it("refuses a backup of the hub's SQLite file, which holds none of its data", async () => {
    const file = path.join(dirs[0]!, 'backup.db');
    await expect(runCommand(a, ['backup', file], dirs[0]!)).rejects.toThrow(/PostgreSQL .*pg_dump/);
    expect(fs.existsSync(file)).toBe(false);
  });
});
