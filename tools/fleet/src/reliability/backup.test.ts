/**
 * Online backup and restore end to end, as processes: the admin command line (bundled, as
 * `npm run admin` runs it) backs up a running hub under write load, the hub is stopped, the backup
 * restored, the hub started again, and the data checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type ChildCity, type ChildHub, childCity, openReadOnly, runAdmin } from '@tsunagu/hub/testing/child-hub';

jest.setTimeout(120_000);

describe('backup and restore, end to end', () => {
  let city: ChildCity;
  let hub: ChildHub | null = null;

  beforeAll(async () => {
    city = await childCity('backup', 10);
  });
  afterAll(async () => {
    await hub?.kill9();
    city?.dispose();
  });

  it('backs up a running hub under write load; restoring brings back exactly what was acknowledged before the backup', async () => {
    hub = await city.start();
    const url = hub.url;
    const created: { id: number; at: number }[] = [];
    let writing = true;
    let n = 0;
    const load = (async () => {
      while (writing) {
        const res = await fetch(`${url}/api/households`, {
          method: 'POST',
          headers: { authorization: `Bearer ${city.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `負荷 ${++n}`, address: '試験町', districtId: city.districtIds[0] }),
        });
        if (res.status !== 201) throw new Error(`write failed: ${res.status} ${await res.text()}`);
        created.push({ id: ((await res.json()) as { id: number }).id, at: Date.now() });
      }
    })();
    while (created.length < 20) await new Promise((r) => setTimeout(r, 20));

    const backupFile = path.join(city.dataDir, 'backups', 'tsunagu-1.db');
    fs.mkdirSync(path.dirname(backupFile));
    const startedAt = Date.now();
    const backup = await runAdmin(city.bundle, city.dataDir, ['backup', backupFile]);
    const finishedAt = Date.now();
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/integrity ok/);
    // The hub kept answering while the backup ran, and goes on after it.
    const before = created.length;
    while (created.length < before + 10) await new Promise((r) => setTimeout(r, 20));
    writing = false;
    await load;

    const ackedBeforeBackup = created.filter((c) => c.at < startedAt).map((c) => c.id);
    const ackedAfterBackup = created.filter((c) => c.at > finishedAt).map((c) => c.id);
    expect(ackedBeforeBackup.length).toBeGreaterThan(0);
    expect(ackedAfterBackup.length).toBeGreaterThan(0);

    // The backup is on record in the live database (not in the copy: it is written after it).
    const live = openReadOnly(city.dataDir);
    expect(live.prepare("SELECT actor, target FROM audit_log WHERE action = 'database.backup'").all()).toEqual([
      { actor: expect.stringMatching(/^cli:/), target: backupFile },
    ]);
    live.close();

    // Restoring needs the hub stopped.
    await hub.stop();
    hub = null;
    const restore = await runAdmin(city.bundle, city.dataDir, ['restore', backupFile]);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/Kept the previous database as .*before-restore/);

    hub = await city.start();
    const list = await fetch(`${hub.url}/api/households`, { headers: { authorization: `Bearer ${city.apiKey}` } });
    expect(list.status).toBe(200);
    const ids = new Set(((await list.json()) as { households: { id: number }[] }).households.map((h) => h.id));
    for (const id of ackedBeforeBackup) expect(ids.has(id)).toBe(true);
    for (const id of ackedAfterBackup) expect(ids.has(id)).toBe(false);
    for (const t of city.terminals) expect(ids.has(t.householdId)).toBe(true);

    const db = openReadOnly(city.dataDir);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });

  it('refuses to restore a damaged file and leaves the database as it was', async () => {
    await hub?.stop();
    hub = null;
    const damaged = path.join(city.dataDir, 'damaged.db');
    fs.writeFileSync(damaged, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]));
    const dbFile = path.join(city.dataDir, 'tsunagu.db');
    const count = () => {
      const db = openReadOnly(city.dataDir);
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM households').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const before = count();
    const mtime = fs.statSync(dbFile).mtimeMs;
    const res = await runAdmin(city.bundle, city.dataDir, ['restore', damaged]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/damaged|not a database|malformed|Error/i);
    expect(fs.statSync(dbFile).mtimeMs).toBe(mtime);
    expect(count()).toBe(before);
  });
});
