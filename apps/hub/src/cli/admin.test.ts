import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type Hub } from '../app';
import { openDatabase } from '../db/database';
import { FakeClock } from '../lib/clock';
import { as, login, seedFixture } from '../testing/harness';
import { CliError, restoreDatabase, runCommand } from './admin';

describe('admin command line', () => {
  let dataDir: string;
  let hub: Hub;
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-cli-'));
    hub = await buildApp({ config: { dataDir }, backgroundJobs: false });
    await seedFixture(hub);
  });
  afterEach(async () => {
    await hub.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    delete process.env.TSUNAGU_PASSWORD;
  });
  const run = (...argv: string[]) => runCommand(hub, argv, dataDir);

  it('creates a user with a password from TSUNAGU_PASSWORD, who can then sign in', async () => {
    process.env.TSUNAGU_PASSWORD = 'from-the-environment';
    const out = await run('create-user', 'tanaka', '--role', 'cityhall', '--name', '田中', '--admin');
    expect(out.at(-1)).toMatch(/Created cityhall \(admin\) "tanaka"/);
    await expect(login(hub, 'tanaka', 'from-the-environment')).resolves.toBeTruthy();
    expect((await hub.ctx.audit.list({})).map((e) => e.action)).toContain('user.created');
  });

  it('generates and prints a password when none is given', async () => {
    const out = await run('create-user', 'suzuki', '--role', 'watcher');
    const generated = /Generated password: (\S+)/.exec(out.join('\n'))![1]!;
    await expect(login(hub, 'suzuki', generated)).resolves.toBeTruthy();
  });

  it('refuses bad arguments with a clear message', async () => {
    await expect(run('create-user', 'x', '--role', 'emperor')).rejects.toThrow(CliError);
    await expect(run('create-user', 'op')).rejects.toThrow(/--role needs a value/);
    await expect(run('create-user', 'shopless', '--role', 'operator')).rejects.toThrow(/shop/);
    await expect(run('create-user', 'ab', '--role', 'watcher')).rejects.toThrow(/username/);
    await expect(run('disable-user', 'nobody')).rejects.toThrow(/No user named "nobody"/);
    await expect(run('issue-code', 'abc')).rejects.toThrow(/positive whole number/);
    await expect(run('frobnicate')).rejects.toThrow(/Unknown command/);
  });

  it('disables and re-enables a user, and resets a password', async () => {
    await run('disable-user', 'watcher');
    await expect(login(hub, 'watcher')).rejects.toThrow(/403/);
    await run('enable-user', 'watcher');
    process.env.TSUNAGU_PASSWORD = 'brand-new-password';
    await run('reset-password', 'watcher');
    await expect(login(hub, 'watcher', 'brand-new-password')).resolves.toBeTruthy();
  });

  it('resets two-factor sign-in (a lost phone): signed out, set up again at the next sign-in', async () => {
    const id = (await hub.stores.accounts.userByUsername('cityhall'))!.id;
    expect((await hub.stores.accounts.userById(id))!.twoFactorEnabled).toBe(true);
    const session = await login(hub, 'cityhall');
    const out = await run('reset-2fa', 'cityhall');
    expect(out.at(-1)).toMatch(/reset; they were signed out and set it up again at their next sign-in/);
    expect((await hub.stores.accounts.userById(id))!.twoFactorEnabled).toBe(false);
    expect((await as(hub, session)({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(401);
    expect((await run('list-users')).join('\n')).not.toMatch(/cityhall .*2FA/);
    expect((await hub.ctx.audit.list({})).map((e) => e.action)).toContain('user.two_factor_reset');
  });

  it('creates an API key, printed on the last line, that works until revoked', async () => {
    const out = await run('create-api-key', 'alert-gateway', '--role', 'cityhall');
    const key = out.at(-1)!;
    expect(key).toMatch(/^tsk_\S+$/);
    expect((await as(hub, { bearer: key })({ method: 'GET', url: '/api/households' })).statusCode).toBe(200);
    const id = /Created API key (\d+)/.exec(out[0]!)![1]!;
    expect((await run('list-api-keys')).join('\n')).toContain('alert-gateway');
    await run('revoke-api-key', id);
    expect((await as(hub, { bearer: key })({ method: 'GET', url: '/api/households' })).statusCode).toBe(401);
  });

  it('issues an enrollment code on the last line', async () => {
    const out = await run('issue-code', String((await hub.stores.households.list())[0]!.id));
    expect(out.at(-1)).toMatch(/^\d{8}$/);
  });

  it('backs up online and restores, keeping the replaced database', async () => {
    const backup = path.join(dataDir, 'backup.db');
    const out = await run('backup', backup);
    expect(out.at(-1)).toMatch(/integrity ok/);
    await expect(run('backup', backup)).rejects.toThrow(/exists already/);
    // Change something after the backup, then restore: the change is gone, the old file kept.
    await hub.stores.households.create(
      { name: '後から', address: 'x', districtId: (await hub.stores.households.listDistricts())[0]!.id },
      0,
    );
    const countAfter = await hub.stores.households.count();
    await hub.app.close();
    const lines = restoreDatabase(dataDir, backup);
    expect(lines.join('\n')).toMatch(/Kept the previous database/);
    const restored = openDatabase(path.join(dataDir, 'tsunagu.db'));
    expect((restored.prepare('SELECT COUNT(*) AS n FROM households').get() as { n: number }).n).toBe(countAfter - 1);
    expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
    restored.close();
    hub = await buildApp({ config: { dataDir }, backgroundJobs: false });
  });

  it('starts no scheduler of its own (the running hub owns them)', async () => {
    const clock = new FakeClock();
    const cli = await buildApp({
      config: { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-cli2-')) },
      clock,
      backgroundJobs: false,
    });
    await seedFixture(cli);
    expect(clock.pendingTimers()).toBe(0);
    await cli.app.close();
  });

  it('refuses to restore a damaged file, changing nothing', async () => {
    const junk = path.join(dataDir, 'junk.db');
    fs.writeFileSync(junk, 'this is not a database');
    expect(() => restoreDatabase(dataDir, junk)).toThrow();
    expect(await hub.stores.households.count()).toBe(3);
  });
});
