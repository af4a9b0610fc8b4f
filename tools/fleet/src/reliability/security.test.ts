/**
 * The security review, as tests: headers and CSP on every kind of page, rate limits (sign-in,
 * enrollment codes, CAP gateway, call requests, socket commands), session fixation and cookie
 * flags, CSRF on every cookie-authenticated write, no secrets in the logs even at trace level,
 * audit entries for privileged actions, and no raw-HTML rendering anywhere in the front ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ENROLLMENT_FAILURES } from '@tsunagu/hub/modules/terminals/routes';
import { createTestHub, staffSocket, TEST_PASSWORD, type TestHub, withHub } from '@tsunagu/hub/testing/harness';
import type { Ack } from '@tsunagu/protocol';

jest.setTimeout(60_000);

const PLAN_FIELDS = [
  'enabled',
  'opensAt',
  'deadline',
  'days',
  'reminderMinutes',
  'graceMinutes',
  'ackTimeoutMinutes',
  'signsOfLife',
  'offlineAlertMinutes',
];
const REPO = path.resolve(__dirname, '../../../..');

describe('security headers and CSP', () => {
  let hub: TestHub;
  withHub('all', (made) => (hub = made), { config: { publicUrl: 'https://tsunagu.example.jp', secureCookies: true } });

  it.each([
    '/terminal/',
    '/console/',
    '/docs',
    '/docs/static/index.html',
    '/api/auth/session',
    '/healthz',
    '/no-such-page',
  ])('%s carries a strict CSP and the other protective headers', async (url) => {
    const res = await hub.app.inject({ method: 'GET', url });
    const h = res.headers;
    const csp = String(h['content-security-policy'] ?? '');
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/base-uri 'self'/);
    // No inline or eval'd script anywhere: injected markup cannot run.
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['x-frame-options']).toMatch(/SAMEORIGIN|DENY/);
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h['cross-origin-opener-policy']).toBe('same-origin');
    expect(h['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    expect(h['x-powered-by']).toBeUndefined();
  });

  it('does not send HSTS when the hub is not served over HTTPS', async () => {
    const plain = await createTestHub();
    const res = await plain.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
    await plain.close();
  });
});

describe('sessions, cookies and CSRF', () => {
  let hub: TestHub;
  withHub('all', (made) => (hub = made), { config: { secureCookies: true } });

  it('the session cookie is HttpOnly, SameSite=Strict, Secure behind TLS, and never the one planted before sign-in', async () => {
    const planted = 'attacker-chosen-session-id';
    const res = await hub.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: `tsunagu_session=${planted}` },
      payload: { username: 'watcher', password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toContain(planted);
    const planted401 = await hub.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: `tsunagu_session=${planted}` },
    });
    expect(planted401.statusCode).toBe(401);
  });

  it('a signed-out session is dead on the hub, not only in the browser', async () => {
    const s = await hub.login('cityhall');
    expect((await hub.as(s)({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBeLessThan(300);
    const after = await hub.as(s)({ method: 'GET', url: '/api/auth/session' });
    expect(after.statusCode).toBe(401);
  });

  it('every cookie-authenticated write on every route needs the CSRF token', async () => {
    const failures: string[] = [];
    for (const route of hub.apiRoutes) {
      if (route.method === 'GET' || route.access === 'public' || route.access === 'terminal') continue;
      const s = hub.sessionFor(hub.fixture.users.admin);
      for (const csrf of [undefined, 'wrong-token']) {
        const res = await hub.app.inject({
          method: route.method as 'POST',
          url: route.url.replace(/:[A-Za-z]+/g, '1'),
          headers: { cookie: s.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
          payload: {},
        });
        if (res.statusCode !== 403 || res.json().error.code !== 'CSRF_FAILED')
          failures.push(`${route.method} ${route.url} (csrf ${csrf ?? 'missing'}): ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a staff socket from another origin is refused (cross-site WebSocket hijacking)', async () => {
    const url = await hub.listen();
    const s = hub.sessionFor(hub.fixture.users.cityhall);
    const socket = staffSocket(url, { cookie: s.cookie, origin: 'https://evil.example' });
    const code = await new Promise<string | undefined>((resolve) => {
      socket.once('connect', () => resolve('CONNECTED'));
      socket.once('connect_error', (e: Error & { data?: { code?: string } }) => resolve(e.data?.code));
    });
    socket.close();
    expect(code).toBe('FORBIDDEN');
  });
});

describe('rate limits', () => {
  let hub: TestHub;
  withHub('each', (made) => (hub = made));

  it('sign-in: at most 10 attempts a minute from one address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await hub.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'cityhall', password: 'wrong-password' },
      });
      codes.push(res.statusCode);
      if (res.statusCode === 429) expect(res.json().error.code).toBe('RATE_LIMITED');
    }
    // (The account locks after a few failures too; the limit is per address, whatever the answer.)
    expect(codes.slice(0, 10).every((c) => c !== 429 && c >= 400)).toBe(true);
    expect(codes.slice(10)).toEqual([429, 429]);
  });

  it('enrollment codes: 5 a minute per address, and a hub-wide limit on wrong codes from many addresses', async () => {
    const enroll = (code: string, ip: string) =>
      hub.app.inject({ method: 'POST', url: '/api/terminals/enroll', remoteAddress: ip, payload: { code } });
    const perAddress: number[] = [];
    for (let i = 0; i < 6; i++) perAddress.push((await enroll(String(20000000 + i), '192.0.2.1')).statusCode);
    expect(perAddress.slice(5)).toEqual([429]);
    // Many addresses, one guess each: the hub stops accepting guesses after the burst.
    const spread: { status: number; code: string }[] = [];
    for (let i = 0; i < ENROLLMENT_FAILURES.burst + 5; i++) {
      const res = await enroll(String(30000000 + i), `198.51.100.${i + 1}`);
      spread.push({ status: res.statusCode, code: res.json().error.code });
    }
    expect(spread.filter((r) => r.code === 'ENROLLMENT_PAUSED').length).toBeGreaterThan(0);
    expect(spread.at(-1)).toEqual({ status: 429, code: 'ENROLLMENT_PAUSED' });
    // Even a right code waits then (it is not told apart from a guess), and nothing was enrolled.
    expect(hub.ctx.db.prepare('SELECT COUNT(*) AS n FROM terminals').get()).toEqual({ n: 0 });
    // Guessing is infeasible: ~500 wrong codes a day against 10^8 possible codes.
    const perDay = ENROLLMENT_FAILURES.burst + ENROLLMENT_FAILURES.perSecond * 86_400;
    expect(perDay / 1e8).toBeLessThan(1e-5);
  });

  it('CAP gateway: at most 120 messages a minute', async () => {
    const { key } = await hub.services.accounts.createApiKey('feed', 'cityhall', null);
    let limited = 0;
    for (let i = 0; i < 125; i++) {
      const res = await hub.as({ bearer: key })({
        method: 'POST',
        url: '/api/cap',
        headers: { 'content-type': 'application/cap+xml' },
        payload: '<alert/>',
      });
      expect(res.statusCode).toBeLessThan(500);
      if (res.statusCode === 429) limited++;
    }
    expect(limited).toBe(5);
  });

  it('call requests: a few at once, then one every 10 s per terminal; the queue is not flooded', async () => {
    const t = await hub.terminal(0);
    const codes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const ack = (await t.timeout(5000).emitWithAck('call:request', { shopId: hub.fixture.shopId })) as Ack<unknown>;
      codes.push(ack.ok ? 'ok' : ack.error.code);
      if (ack.ok) await t.timeout(5000).emitWithAck('call:cancel', { callId: (ack.data as { callId: number }).callId });
    }
    expect(codes.slice(0, 5).every((c) => c !== 'RATE_LIMITED')).toBe(true);
    expect(codes.slice(5)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    // Other terminals are not affected.
    const other = await hub.terminal(1);
    expect(await other.timeout(5000).emitWithAck('call:request', { shopId: hub.fixture.shopId })).toMatchObject({
      ok: true,
    });
  });

  it('socket commands: a flood from one sender is cut off with RATE_LIMITED, and the hub keeps serving others', async () => {
    const t = await hub.terminal(0);
    const acks = (await Promise.all(
      Array.from({ length: 1000 }, () => t.timeout(20_000).emitWithAck('terminal:heartbeat', {})),
    )) as Ack<unknown>[];
    const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length;
    // 300 at once, then 100 a second: most of a thousand sent at once are refused.
    expect(limited).toBeGreaterThan(300);
    const staff = await hub.connectStaff(hub.sessionFor(hub.fixture.users.cityhall));
    expect(await staff.timeout(5000).emitWithAck('staff:ping', {})).toMatchObject({ ok: true });
  });
});

describe('secrets never reach the logs', () => {
  it('at trace level, through sign-in, API keys, enrollment, terminal REST and sockets, and password changes', async () => {
    let log = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        log += chunk.toString();
        done();
      },
    });
    const hub = await createTestHub({ logger: { level: 'trace', stream } as never });
    const secrets: string[] = [TEST_PASSWORD, 'a-new-long-password-1234'];

    const s = await hub.login('admin');
    secrets.push(s.cookie.split('=')[1]!, s.csrfToken);
    await hub.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'wrong-pass-9876' },
    });
    secrets.push('wrong-pass-9876');
    const key = await hub.as(s)({ method: 'POST', url: '/api/api-keys', payload: { name: 'feed', role: 'cityhall' } });
    const apiKey = (key.json() as { key: string }).key;
    secrets.push(apiKey);
    await hub.as({ bearer: apiKey })({ method: 'GET', url: '/api/households' });
    const code = await hub.as(s)({
      method: 'POST',
      url: `/api/households/${hub.fixture.households[0]}/enrollment-codes`,
      payload: {},
    });
    const enrollmentCode = (code.json() as { code: string }).code;
    secrets.push(enrollmentCode);
    const enrolled = await hub.app.inject({
      method: 'POST',
      url: '/api/terminals/enroll',
      payload: { code: enrollmentCode },
    });
    const credential = (enrolled.json() as { credential: string }).credential;
    secrets.push(credential);
    await hub.as({ bearer: credential })({ method: 'GET', url: '/api/terminal/profile' });
    await hub.as({ bearer: `${credential}x` })({ method: 'GET', url: '/api/terminal/profile' });
    const t = await hub.connectTerminal(credential);
    await t.timeout(5000).emitWithAck('terminal:heartbeat', { bogus: credential });
    t.close();
    const staff = await hub.connectStaff(s);
    staff.close();
    const user = await hub.as(s)({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'newbie', displayName: 'N', password: 'initial-password-555', role: 'cityhall' },
    });
    expect(user.statusCode).toBe(201);
    secrets.push('initial-password-555');
    await hub.as(s)({
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'a-new-long-password-1234' },
    });
    await hub.close();

    expect(log.length).toBeGreaterThan(1000); // it did log, at trace level
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(5);
      if (log.includes(secret)) throw new Error(`a secret reached the log: ${secret.slice(0, 4)}…`);
    }
    // Nor their hashes' inputs under another name.
    expect(log).not.toMatch(/"(password|newPassword|currentPassword|credential|csrfToken)"\s*:/);
    expect(log).not.toMatch(/authorization|cookie/i);
  });
});

describe('audit log', () => {
  it('records who did each privileged action, from where', async () => {
    const hub = await createTestHub();
    const admin = () => hub.sessionFor(hub.fixture.users.admin);
    const call = (method: string, url: string, payload?: object) =>
      hub.as(admin())({ method: method as 'POST', url, ...(payload !== undefined ? { payload } : {}) });
    const h0 = hub.fixture.households[0]!;
    const steps: [string, () => Promise<{ statusCode: number }>][] = [
      [
        'auth.login',
        () =>
          hub.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { username: 'watcher', password: TEST_PASSWORD },
          }),
      ],
      [
        'auth.login_failed',
        () =>
          hub.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { username: 'cityhall', password: 'nope-nope' },
          }),
      ],
      [
        'user.created',
        () =>
          call('POST', '/api/users', {
            username: 'auditee',
            displayName: 'A',
            password: 'long-enough-pw-1',
            role: 'cityhall',
          }),
      ],
      ['user.updated', () => call('PATCH', `/api/users/${hub.fixture.users.listener}`, { disabled: true })],
      [
        'user.password_reset',
        () => call('POST', `/api/users/${hub.fixture.users.cityhall}/password`, { newPassword: 'long-enough-pw-2' }),
      ],
      ['apikey.created', () => call('POST', '/api/api-keys', { name: 'k', role: 'cityhall' })],
      ['apikey.revoked', () => call('DELETE', '/api/api-keys/1')],
      [
        'household.created',
        () =>
          call('POST', '/api/households', { name: '新世帯', address: '住所', districtId: hub.fixture.districts[0] }),
      ],
      ['household.updated', () => call('PATCH', `/api/households/${h0}`, { phone: '0422-11-2222' })],
      [
        'household.watcher_assigned',
        () => call('POST', `/api/households/${h0}/watchers`, { userId: hub.fixture.users.otherWatcher }),
      ],
      [
        'household.watcher_removed',
        () => call('DELETE', `/api/households/${h0}/watchers/${hub.fixture.users.otherWatcher}`),
      ],
      ['terminal.code_issued', () => call('POST', `/api/households/${h0}/enrollment-codes`, {})],
      [
        'terminal.enroll_failed',
        () => hub.app.inject({ method: 'POST', url: '/api/terminals/enroll', payload: { code: '00000000' } }),
      ],
      [
        'terminal.revoked',
        async () => call('POST', `/api/terminals/${(await hub.enrollTerminal(h0)).terminalId}/revoke`),
      ],
      [
        'announcement.create',
        () =>
          call('POST', '/api/announcements', { kind: 'routine', titleJa: 't', bodyJa: 'b', target: { type: 'all' } }),
      ],
      ['announcement.update', () => call('PATCH', '/api/announcements/1', { bodyJa: 'b2' })],
      ['announcement.cancel', () => call('POST', '/api/announcements/1/cancel')],
      ['announcement.settings', () => call('PUT', '/api/announcements/settings', { requireEmergencyApproval: false })],
      [
        'shop.created',
        () => call('POST', '/api/shops', { name: '新店', category: 'supermarket', kind: 'shop', openingHours: [] }),
      ],
      [
        'checkin_plan.saved',
        async () => {
          const plan = (await call('GET', `/api/watch/plans/${h0}`)).json() as Record<string, unknown>;
          const body = Object.fromEntries(Object.entries(plan).filter(([k]) => PLAN_FIELDS.includes(k)));
          return call('PUT', `/api/watch/plans/${h0}`, { ...body, enabled: true });
        },
      ],
      ['checkin_plan.reset', () => call('DELETE', `/api/watch/plans/${h0}`)],
    ];
    const failures: string[] = [];
    for (const [action, run] of steps) {
      const before = (
        hub.ctx.db.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE action = ?').get(action) as { n: number }
      ).n;
      const res = await run();
      const rows = hub.ctx.db
        .prepare('SELECT actor, ip FROM audit_log WHERE action = ? ORDER BY id DESC')
        .all(action) as { actor: string; ip: string | null }[];
      if (res.statusCode >= 400 && !action.endsWith('_failed'))
        failures.push(`${action}: request failed ${res.statusCode}`);
      else if (rows.length !== before + 1) failures.push(`${action}: ${rows.length - before} audit rows`);
      else {
        if (!action.endsWith('_failed') && !/^(user|terminal):/.test(rows[0]!.actor))
          failures.push(`${action}: actor ${rows[0]!.actor}`);
        if (!rows[0]!.ip) failures.push(`${action}: no address`);
      }
    }
    await hub.close();
    expect(failures).toEqual([]);
  });
});

describe('front ends never render raw HTML', () => {
  it('no dangerouslySetInnerHTML, innerHTML, outerHTML, insertAdjacentHTML, document.write or eval in the terminal, console or UI sources', () => {
    const roots = ['apps/terminal/src', 'apps/console/src', 'packages/ui/src'].map((r) => path.join(REPO, r));
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) {
          const src = fs.readFileSync(p, 'utf8');
          if (
            /dangerouslySetInnerHTML|\.innerHTML\s*=|outerHTML\s*=|insertAdjacentHTML|document\.write\(|\beval\(|new Function\(/.test(
              src,
            )
          )
            offenders.push(path.relative(REPO, p));
        }
      }
    };
    for (const r of roots) walk(r);
    expect(offenders).toEqual([]);
  });
});

describe('uploads', () => {
  const multipart = (filename: string, data: Buffer) => {
    const boundary = '----tsunagu-test-boundary';
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: audio/wav\r\n\r\n`,
      ),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
  };
  const wav = (bytes: number) => {
    const b = Buffer.alloc(bytes);
    b.write('RIFF', 0, 'ascii');
    b.write('WAVE', 8, 'ascii');
    return b;
  };

  it('a path in the upload file name is ignored: the clip is stored under an id the hub makes', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-upload-'));
    const hub = await createTestHub({ config: { dataDir } });
    const outside = path.join(dataDir, '..', `pwned-${process.pid}.wav`);
    for (const name of [
      `../${path.basename(outside)}`,
      `..%2f${path.basename(outside)}`,
      '/etc/cron.d/x',
      '..\\..\\x.wav',
    ]) {
      const res = await hub.as(hub.sessionFor(hub.fixture.users.cityhall))({
        method: 'POST',
        url: '/api/announcements/audio',
        ...multipart(name, wav(1024)),
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().audioId).toMatch(/^[a-f0-9]{32}$/);
    }
    expect(fs.existsSync(outside)).toBe(false);
    // Stored in the database (0062) under ids the hub makes: nothing written in the data folder.
    expect(fs.readdirSync(dataDir)).toEqual([]);
    const ids = await hub.ctx.sql.all<{ audio_id: string }>('SELECT audio_id FROM announcement_recordings');
    expect(ids.map((r) => /^[a-f0-9]{32}$/.test(r.audio_id))).toEqual([true, true, true, true]);
    await hub.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('oversized uploads and bodies are refused with 413 BODY_TOO_LARGE', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-upload-'));
    const hub = await createTestHub({ config: { dataDir } });
    const big = await hub.as(hub.sessionFor(hub.fixture.users.cityhall))({
      method: 'POST',
      url: '/api/announcements/audio',
      ...multipart('big.wav', wav(5 * 1024 * 1024 + 1024)),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('BODY_TOO_LARGE');
    const json = await hub.as(hub.sessionFor(hub.fixture.users.cityhall))({
      method: 'POST',
      url: '/api/households',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(300 * 1024), address: 'a', districtId: 1 }),
    });
    expect(json.statusCode).toBe(413);
    expect(json.json().error.code).toBe('BODY_TOO_LARGE');
    await hub.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a socket message over 64 KiB closes that connection only; the hub goes on', async () => {
    const hub = await createTestHub();
    const t = await hub.terminal(0);
    const closed = new Promise<string>((r) => t.once('disconnect', (reason) => r(reason)));
    t.emit('checkin:submit', { idempotencyKey: 'x'.repeat(70 * 1024), pressedAt: new Date().toISOString() });
    expect(await closed).toMatch(/transport (close|error)/);
    const again = await hub.terminal(1);
    expect(await again.timeout(5000).emitWithAck('terminal:heartbeat', {})).toMatchObject({ ok: true });
    again.close();
    await hub.close();
  });
});
