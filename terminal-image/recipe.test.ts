/**
 * Checks the set-top image recipe without building an image: shell scripts pass shellcheck, systemd
 * units pass `systemd-analyze verify`, and provision.sh writes (or refuses) the terminal config.
 * shellcheck and systemd-analyze come from the Debian packages `shellcheck` and `systemd`; CI must
 * install them, and these tests fail, rather than skip, when they are missing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const here = __dirname;
const rootfs = path.join(here, 'rootfs');

function requireTool(tool: string, debianPackage: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  if (!found) {
    throw new Error(`${tool} is not installed. Install it with: apt-get install -y ${debianPackage}`);
  }
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .flatMap((entry) => (entry.isFile() ? [path.join(entry.parentPath, entry.name)] : []));
}

const shellScripts = [
  ...filesUnder(here).filter(
    (file) => !file.includes('node_modules') && fs.readFileSync(file, 'utf8').startsWith('#!/bin/'),
  ),
];
const units = filesUnder(path.join(rootfs, 'etc/systemd/system')).filter((file) => file.endsWith('.service'));

describe('shell scripts', () => {
  it('include the scripts the recipe documents', () => {
    const names = shellScripts.map((file) => path.relative(here, file)).sort();
    expect(names).toEqual(['build-rootfs.sh', 'provision.sh', 'rootfs/usr/local/bin/tsunagu-kiosk-session']);
    for (const file of shellScripts) expect(fs.statSync(file).mode & 0o111).not.toBe(0);
  });

  it('pass shellcheck', () => {
    requireTool('shellcheck', 'shellcheck');
    const result = spawnSync('shellcheck', ['--severity=style', ...shellScripts], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

/**
 * Runs `systemd-analyze verify` and returns what it reported. The build machine is not the image: the
 * kiosk's compositor (cage) is not installed here, so "Command /usr/bin/cage is not executable" is
 * accepted for commands in `absentOnBuildMachine` that really are absent. Anything else (a syntax
 * error, an unknown key, a bad value) is returned and fails the test.
 */
function verifyUnit(file: string, absentOnBuildMachine: string[]): string[] {
  const result = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8' });
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
  return lines.filter((line) => {
    const missing = /Command (\S+) is not executable: No such file or directory/.exec(line)?.[1];
    return !(missing && absentOnBuildMachine.includes(missing) && !fs.existsSync(missing));
  });
}

describe('systemd units', () => {
  const absent = ['/usr/bin/cage'];

  it.each(units.map((file) => [path.basename(file), file]))('%s passes systemd-analyze verify', (_name, file) => {
    requireTool('systemd-analyze', 'systemd');
    expect(verifyUnit(file, absent)).toEqual([]);
  });

  it('the verify check still catches a broken unit', () => {
    requireTool('systemd-analyze', 'systemd');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-unit-'));
    try {
      const broken = path.join(dir, 'tsunagu-kiosk.service');
      const good = fs.readFileSync(path.join(rootfs, 'etc/systemd/system/tsunagu-kiosk.service'), 'utf8');
      fs.writeFileSync(broken, good.replace('Type=simple', 'Type=simpel').replace('[Install]', '[Install]\nWantedBy'));
      expect(verifyUnit(broken, absent).join('\n')).toMatch(/Failed to parse service type/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the kiosk runs cage as the unprivileged tsunagu user on its own tty with a PAM session', () => {
    const unit = fs.readFileSync(path.join(rootfs, 'etc/systemd/system/tsunagu-kiosk.service'), 'utf8');
    expect(unit).toMatch(/^User=tsunagu$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/cage .*-- \/usr\/local\/bin\/tsunagu-kiosk-session$/m);
    expect(unit).toMatch(/^PAMName=tsunagu-kiosk$/m);
    expect(unit).toMatch(/^TTYPath=\/dev\/tty7$/m);
    expect(unit).toMatch(/^Restart=always$/m);
    expect(fs.existsSync(path.join(rootfs, 'etc/pam.d/tsunagu-kiosk'))).toBe(true);
  });

  it('the session launcher falls back to chromium on the hub terminal page', () => {
    const launcher = fs.readFileSync(path.join(rootfs, 'usr/local/bin/tsunagu-kiosk-session'), 'utf8');
    expect(launcher).toContain('/opt/tsunagu-terminal/tsunagu-terminal');
    expect(launcher).toMatch(/chromium[\s\\]+--app="\$\{hub%\/\}\/terminal\/"[\s\\]+--kiosk/);
  });

  it('PID 1 feeds the hardware watchdog', () => {
    const conf = fs.readFileSync(path.join(rootfs, 'etc/systemd/system.conf.d/10-tsunagu-watchdog.conf'), 'utf8');
    expect(conf).toMatch(/^\[Manager\]$/m);
    expect(conf).toMatch(/^RuntimeWatchdogSec=\d+s$/m);
  });

  it('unattended-upgrades installs security updates daily', () => {
    const periodic = fs.readFileSync(path.join(rootfs, 'etc/apt/apt.conf.d/20auto-upgrades'), 'utf8');
    expect(periodic).toContain('APT::Periodic::Unattended-Upgrade "1";');
    const origins = fs.readFileSync(path.join(rootfs, 'etc/apt/apt.conf.d/52tsunagu-unattended-upgrades'), 'utf8');
    expect(origins).toContain('label=Debian-Security');
  });
});

describe('provision.sh --root', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-provision-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const provision = (...args: string[]) =>
    spawnSync(path.join(here, 'provision.sh'), ['--root', root, ...args], { encoding: 'utf8' });
  const configFile = () => path.join(root, 'etc/tsunagu/terminal.json');

  it('writes the hub URL as JSON the terminal app accepts', () => {
    const result = provision('--hub-url', 'https://hub.example.city/');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(configFile(), 'utf8'))).toEqual({
      hubUrl: 'https://hub.example.city',
      allowBasicTextSecrets: true,
    });
    expect(fs.statSync(configFile()).mode & 0o777).toBe(0o644);
    expect(fs.existsSync(path.join(root, 'var/lib/tsunagu/enrollment-code'))).toBe(false);
  });

  it('keeps the enrollment code private for the app to submit on first start', () => {
    const result = provision(
      '--hub-url',
      'https://hub.example.city:8443/tsunagu',
      '--code',
      '01234567',
      '--require-keyring',
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(configFile(), 'utf8'))).toEqual({
      hubUrl: 'https://hub.example.city:8443/tsunagu',
      allowBasicTextSecrets: false,
    });
    const codeFile = path.join(root, 'var/lib/tsunagu/enrollment-code');
    expect(fs.readFileSync(codeFile, 'utf8')).toBe('01234567\n');
    expect(fs.statSync(codeFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(codeFile)).mode & 0o777).toBe(0o700);
  });

  it.each([
    'http://hub.example.city',
    'hub.example.city',
    'https://hub.example.city/?x=1',
    'https://hub".example.city',
    'https://user@hub.example.city',
    'javascript:alert(1)',
  ])('refuses the bad hub URL %s and writes nothing', (url) => {
    const result = provision('--hub-url', url);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/hub URL .* is not valid/);
    expect(fs.existsSync(configFile())).toBe(false);
  });

  it.each(['1234567', '123456789', '1234567a', ''])('refuses the bad enrollment code "%s"', (code) => {
    const result = provision('--hub-url', 'https://hub.example.city', '--code', code);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/8 digits|--code needs/);
    expect(fs.existsSync(configFile())).toBe(false);
  });

  it('requires a hub URL', () => {
    const result = provision();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/--hub-url is required/);
  });
});
