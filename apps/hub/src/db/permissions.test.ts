/**
 * The data folder holds residents' personal data: the hub keeps it private to its own user
 * (folder 0700, database, WAL, voice clips and backups 0600) and says so clearly at start when
 * someone has loosened it. The real server and admin command line, as processes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordingForm, testWav } from '../testing/announcements';
import { bundleHub, type ChildHub, freePort, type HubBundle, runAdmin, startChildHub } from '../testing/child-hub';
import { checkDataPermissions } from './permissions';

jest.setTimeout(90_000);

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('data folder permissions', () => {
  let bundle: HubBundle;
  let root: string;
  let dataDir: string;
  let hub: ChildHub | null = null;
  beforeAll(async () => {
    bundle = await bundleHub();
  });
  afterAll(() => bundle.dispose());
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-perms-'));
    dataDir = path.join(root, 'data');
  });
  afterEach(async () => {
    await hub?.stop();
    hub = null;
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a new hub creates its folder 0700 and its database, WAL and backups 0600', async () => {
    // Whatever umask the operator's shell has.
    const before = process.umask(0o022);
    try {
      const key = (await runAdmin(bundle, dataDir, ['create-api-key', 'test', '--role', 'cityhall'])).stdout
        .trim()
        .split('\n')
        .at(-1)!;
      hub = await startChildHub({ bundle, dataDir, port: await freePort() });
      const form = recordingForm(testWav());
      const res = await fetch(`${hub.url}/api/announcements/audio`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': form.contentType },
        body: form.body,
      });
      expect(res.status).toBe(201);
      const backup = path.join(root, 'backup.db');
      expect((await runAdmin(bundle, dataDir, ['backup', backup])).code).toBe(0);

      expect(mode(dataDir)).toBe(0o700);
      for (const f of ['tsunagu.db', 'tsunagu.db-wal', 'tsunagu.db-shm'])
        expect([f, mode(path.join(dataDir, f))]).toEqual([f, 0o600]);
      // City hall's recordings are in the database (0062): no folder of files beside it.
      expect(fs.existsSync(path.join(dataDir, 'announcement-audio'))).toBe(false);
      expect(mode(backup)).toBe(0o600);
      expect(hub.output()).not.toMatch(/readable by other users/);
    } finally {
      process.umask(before);
    }
  });

  it('warns clearly at start when the folder or the database were made readable by others', async () => {
    hub = await startChildHub({ bundle, dataDir, port: await freePort() });
    await hub.stop();
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, 'tsunagu.db'), 0o644);
    hub = await startChildHub({ bundle, dataDir, port: await freePort() });
    const out = hub.output();
    expect(out).toContain(`${dataDir} is readable by other users (mode 755)`);
    expect(out).toContain(`${path.join(dataDir, 'tsunagu.db')} is readable by other users (mode 644)`);
    expect(out).toContain(`chmod -R go-rwx ${dataDir}`);
  });

  it('checkDataPermissions lists each loosened path, and nothing for a private folder', () => {
    fs.mkdirSync(path.join(dataDir, 'announcement-audio'), { recursive: true, mode: 0o700 });
    fs.chmodSync(dataDir, 0o700);
    fs.writeFileSync(path.join(dataDir, 'tsunagu.db'), '', { mode: 0o600 });
    fs.writeFileSync(path.join(dataDir, 'announcement-audio', 'clip'), '', { mode: 0o600 });
    expect(checkDataPermissions(dataDir)).toEqual([]);
    fs.chmodSync(path.join(dataDir, 'announcement-audio', 'clip'), 0o640);
    expect(checkDataPermissions(dataDir)).toEqual([
      `${path.join(dataDir, 'announcement-audio', 'clip')} is readable by other users (mode 640)`,
    ]);
  });
});
