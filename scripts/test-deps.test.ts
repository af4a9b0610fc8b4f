/**
 * scripts/test-deps.sh, run against fake dpkg-query / apt-get / id on PATH: nothing to do when all is
 * installed; as a user it stops with the exact sudo line; as root it installs only what is missing,
 * with the packages' daemons kept from starting, and fails if apt-get did not install them.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.join(__dirname, 'test-deps.sh');
const listed = (): string[] =>
  fs
    .readFileSync(SCRIPT, 'utf8')
    .split('packages=(')[1]!
    .split('\n)\n')[0]!
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'test-deps-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const fake = (name: string, body: string) =>
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  // dpkg-query -W -f='${Status}' PKG: installed when PKG is a line of $DIR/installed.
  fake('dpkg-query', `grep -qx "$3" "${dir}/installed" && printf 'install ok installed'; exit 0`);
  fake('id', `echo "$FAKE_UID"`);
  // apt-get records its arguments; "install" marks the packages installed unless FAKE_APT_BROKEN is set.
  fake(
    'apt-get',
    `echo "$@" >>"${dir}/apt.log"; [ -e "${dir}/policy" ] && echo policy-present >>"${dir}/apt.log"
[ "$1" = install ] && [ -z "$FAKE_APT_BROKEN" ] && for a in "$@"; do case "$a" in -*|install) ;; *) echo "$a" >>"${dir}/installed";; esac; done
exit 0`,
  );
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(uid: number, installed: string[], env: Record<string, string> = {}) {
  fs.writeFileSync(path.join(dir, 'installed'), installed.map((p) => `${p}\n`).join(''));
  const result = spawnSync('bash', [SCRIPT], {
    encoding: 'utf8',
    env: {
      PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`,
      FAKE_UID: String(uid),
      TSUNAGU_POLICY_RC_D: path.join(dir, 'policy'),
      ...env,
    },
  });
  const aptLog = fs.existsSync(path.join(dir, 'apt.log')) ? fs.readFileSync(path.join(dir, 'apt.log'), 'utf8') : '';
  return { status: result.status, out: result.stdout + result.stderr, aptLog };
}

it('lists the packages the tests and the coming work need', () => {
  expect(listed()).toEqual(
    expect.arrayContaining(['chromium', 'fonts-noto-cjk', 'shellcheck', 'systemd', 'open-jtalk', 'postgresql']),
  );
  expect(listed()).toEqual(expect.arrayContaining(['redis-server', 'prometheus', 'haproxy', 'opus-tools']));
});

it('does nothing when every package is installed', () => {
  expect(run(1000, listed())).toEqual({ status: 0, out: '', aptLog: '' });
});

it('as a user, stops with the exact sudo line for the missing packages only', () => {
  const r = run(
    1000,
    listed().filter((p) => p !== 'chromium' && p !== 'haproxy'),
  );
  expect(r.status).toBe(1);
  expect(r.out).toContain('  sudo apt-get install -y --no-install-recommends chromium haproxy\n');
  expect(r.aptLog).toBe('');
});

it('as root, updates once and installs the missing packages with their daemons kept from starting', () => {
  const r = run(
    0,
    listed().filter((p) => p !== 'redis-server'),
  );
  expect(r.status).toBe(0);
  expect(r.aptLog).toBe(
    'update -qq\npolicy-present\ninstall -y -qq --no-install-recommends redis-server\npolicy-present\n',
  );
  // The temporary policy-rc.d is removed afterwards.
  expect(fs.existsSync(path.join(dir, 'policy'))).toBe(false);
});

it('as root, fails when apt-get did not install a package', () => {
  const r = run(
    0,
    listed().filter((p) => p !== 'postgresql'),
    { FAKE_APT_BROKEN: '1' },
  );
  expect(r.status).toBe(1);
  expect(r.out).toContain('apt-get did not install: postgresql');
});

it('can be skipped where the programs come from elsewhere', () => {
  expect(run(1000, [], { TSUNAGU_SKIP_TEST_DEPS: '1' }).status).toBe(0);
});
