/**
 * Test harness for hub integration tests: an in-memory hub with a small fixture city, signed-in
 * staff sessions for `inject`, and real Socket.IO clients for terminals and consoles.
 */
import zlib from 'node:zlib';
import {
  type Ack,
  type CallInfo,
  type ConnectErrorData,
  PROTOCOL_VERSION,
  type QueuePosition,
  type SessionInfo,
  STAFF_NAMESPACE,
  type StaffRole,
  TERMINAL_NAMESPACE,
  type TerminalProfile,
  type WatcherKind,
} from '@tsunagu/protocol';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { io as ioClient, type Socket } from 'socket.io-client';
import { type BuildOptions, buildApp } from '../app';
import type { Hub } from '../hub';
import type { Clock } from '../lib/clock';
import { randomToken, sha256 } from '../lib/secrets';
import { hashPassword } from '../modules/accounts/service';
import { SESSION_COOKIE } from '../plugins/auth';
import { fixture, type Lifetime } from './lifetime';
import { createTestDatabase, type TestDatabase } from './postgres';
import { TEST_ENGINE } from './test-engine';
import { enrolTwoFactor, secondFactorCode, totpCode } from './two-factor';
import { until } from './until';

export const TEST_PASSWORD = 'correct-horse-battery';

export interface Fixture {
  districts: number[];
  shopId: number;
  otherShopId: number;
  listeningId: number;
  users: Record<
    'admin' | 'cityhall' | 'operator' | 'otherOperator' | 'listener' | 'watcher' | 'otherWatcher' | 'supervisor',
    number
  >;
  /** households[0..1] are watched by `watcher` (supervisor at level 2); households[2] by `otherWatcher`. */
  households: number[];
}

export interface TestHub extends Hub {
  fixture: Fixture;
  clock: Clock;
  /** Listens on 127.0.0.1 on a free port (once) and returns the base URL. */
  listen(): Promise<string>;
  /** Closes the sockets this hub's helpers opened, then the hub. */
  close(): Promise<void>;
  /** Closes the sockets this hub's helpers opened (between tests that share one hub). */
  closeSockets(): void;
  /** `inject` as this staff member or key (see `as`). */
  as(who: StaffSession | { bearer: string } | null): (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  /** Signs in through the REST route (see `login`). */
  login(username: string, password?: string): Promise<StaffSession>;
  /** A session without the password (see `sessionFor`). */
  sessionFor(userId: number): StaffSession;
  /** The administrator disables this user through the REST route; its answer. */
  disableUser(userId: number): Promise<LightMyRequestResponse>;
  /** Enrolls a terminal for the household (see `enrollTerminal`). */
  enrollTerminal(householdId: number): Promise<{ terminalId: number; credential: string }>;
  /** Listens, connects a terminal with this credential; closed with the hub. */
  connectTerminal(
    credential: string,
    protocolVersion?: number,
    extra?: { reconnection?: boolean; appVersion?: string },
  ): Promise<TerminalSocket>;
  /** A terminal's socket, connecting, on the hub that listens already (see `terminalSocket`); closed with the hub. */
  terminalSocket(credential: string, protocolVersion?: number, extra?: { reconnection?: boolean }): TerminalSocket;
  /** Listens, connects a /staff socket for this session; closed with the hub. */
  connectStaff(session: StaffSession): Promise<Socket>;
  /** Enrolls a terminal for the fixture's household `index` and connects it. */
  terminal(index: number): Promise<TerminalSocket>;
  /** Signs `username` in and connects their /staff socket. */
  staff(username: string): Promise<Socket>;
}

/**
 * Speech programs a test hub does not find, so announcements go out at once with text only (the
 * terminal's own speech); tests of the hub's voice pass `config.speechTools` to use the real ones.
 */
export const NO_SPEECH = { openJtalk: '/nonexistent/open_jtalk', espeak: '/nonexistent/espeak-ng' };

export { TEST_ENGINE } from './test-engine';

async function buildTestHub(options: BuildOptions): Promise<{ hub: Hub; database: TestDatabase | null }> {
  const config = { speechTools: NO_SPEECH, ...options.config };
  if (TEST_ENGINE === 'sqlite' || config.database)
    return { hub: await buildApp({ inMemory: !options.db, ...options, config }), database: null };
  const database = await createTestDatabase();
  try {
    const hub = await buildApp({
      inMemory: true,
      ...options,
      config: { ...config, database: { engine: 'postgres', url: database.url } },
    });
    // As on SQLite, the scheduled jobs run once the hub is built (alone on its database, it leads at once).
    if (options.backgroundJobs !== false) await until(() => hub.ctx.jobs.leading, 20_000);
    await new Promise((resolve) => setImmediate(resolve));
    return { hub, database };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

export async function createTestHub(options: BuildOptions = {}): Promise<TestHub> {
  const { hub, database } = await buildTestHub(options);
  // A hub on PostgreSQL does not wait for the watch's first tick when it starts (watch/index.ts): tests do.
  await hub.capabilities.watch.settle();
  const fixture = await seedFixture(hub);
  let url: string | null = null;
  const sockets: Socket[] = [];
  let closing: Promise<void> | undefined;
  const opened = <S extends Socket>(socket: S) => {
    sockets.push(socket);
    return socket;
  };
  const test: TestHub = {
    ...hub,
    fixture,
    clock: hub.ctx.clock,
    async listen() {
      if (!url) {
        await hub.app.listen({ port: 0, host: '127.0.0.1' });
        const a = hub.app.server.address();
        url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
      }
      return url;
    },
    closeSockets() {
      for (const s of sockets.splice(0)) s.close();
    },
    // Once, however often a test and its teardown ask (a test may stop its hub itself).
    close: () =>
      (closing ??= (async () => {
        test.closeSockets();
        await hub.app.close();
        await database?.drop();
      })()),
    as: (who) => as(hub, who),
    login: (username, password) => login(hub, username, password),
    sessionFor: (userId) => sessionFor(hub, userId),
    disableUser: async (userId) =>
      as(hub, await login(hub, 'admin'))({ method: 'PATCH', url: `/api/users/${userId}`, payload: { disabled: true } }),
    enrollTerminal: (householdId) => enrollTerminal(hub, householdId),
    connectTerminal: async (credential, protocolVersion, extra) =>
      opened(await connectTerminal(await test.listen(), credential, protocolVersion, extra)),
    terminalSocket: (credential, protocolVersion, extra) => {
      if (!url) throw new Error('terminalSocket: call listen() first');
      return opened(terminalSocket(url, credential, protocolVersion, extra));
    },
    connectStaff: async (session) => opened(await connectStaff(await test.listen(), session)),
    terminal: async (index) => test.connectTerminal((await enrollTerminal(hub, fixture.households[index]!)).credential),
    staff: async (username) => test.connectStaff(await login(hub, username)),
  };
  return test;
}

/** A test hub for the enclosing `describe` (see `fixture`): `withHub('all', (made) => (hub = made))`. */
export function withHub(lifetime: Lifetime, use: (hub: TestHub) => unknown, options: BuildOptions = {}): void {
  fixture(
    lifetime,
    () => createTestHub(options),
    (hub) => hub.close(),
    use,
  );
}

let testPasswordHash: Promise<string> | null = null;

export async function seedFixture(hub: Hub): Promise<Fixture> {
  const now = hub.ctx.clock.now();
  const districts: number[] = [];
  for (const [i, code] of ['osawa', 'tobu', 'seibu'].entries())
    districts.push(
      await hub.stores.households.createDistrict({ code, name: ['大沢', '東部', '西部'][i]!, nameEn: code }),
    );
  const hours = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: '00:00', close: '24:00' }));
  const shopId = await hub.stores.shops.create(
    { name: 'テストマート', category: 'supermarket', kind: 'shop', openingHours: hours },
    now,
  );
  const otherShopId = await hub.stores.shops.create(
    { name: 'よその店', category: 'pharmacy', kind: 'shop', openingHours: hours },
    now,
  );
  const listeningId = await hub.stores.shops.create(
    { name: '話し相手', category: 'listening', kind: 'listening', openingHours: hours },
    now,
  );
  // One Argon2id hash per test process: hashing is deliberately slow, and tests build many hubs.
  testPasswordHash ??= hashPassword(TEST_PASSWORD);
  const passwordHash = await testPasswordHash;
  const mk = async (
    username: string,
    role: StaffRole,
    extra: { admin?: boolean; shopId?: number; watcherKind?: WatcherKind } = {},
  ) =>
    hub.stores.accounts.createUser(
      {
        username,
        displayName: username,
        passwordHash,
        role,
        admin: extra.admin ?? false,
        shopId: extra.shopId ?? null,
        watcherKind: role === 'watcher' ? (extra.watcherKind ?? 'welfare') : null,
      },
      now,
    );
  const users = {
    admin: await mk('admin', 'cityhall', { admin: true }),
    cityhall: await mk('cityhall', 'cityhall'),
    operator: await mk('operator', 'operator', { shopId }),
    otherOperator: await mk('other-operator', 'operator', { shopId: otherShopId }),
    listener: await mk('listener', 'listener', { shopId: listeningId }),
    watcher: await mk('watcher', 'watcher', { watcherKind: 'welfare' }),
    otherWatcher: await mk('other-watcher', 'watcher', { watcherKind: 'family' }),
    supervisor: await mk('supervisor', 'watcher', { watcherKind: 'supervisor' }),
  };
  const households: number[] = [];
  for (const i of [0, 1, 2])
    households.push(
      await hub.stores.households.create(
        {
          name: `世帯${i + 1}`,
          address: `東京都三鷹市 ${i + 1}-1-1`,
          districtId: districts[i]!,
          phone: `0422-00-000${i}`,
          needsAssistance: i === 0,
          residents: [{ name: `住民${i + 1}`, birthYear: 1940 }],
        },
        now,
      ),
    );
  for (const [household, user, level] of [
    [households[0]!, users.watcher, 1],
    [households[1]!, users.watcher, 1],
    [households[0]!, users.supervisor, 2],
    [households[1]!, users.supervisor, 2],
    [households[2]!, users.otherWatcher, 1],
  ] as const)
    await hub.stores.households.assignWatcher(household, user, level);
  // City hall must sign in with a second factor: the fixture's have theirs set up already.
  await enrolTwoFactor(hub, users.admin);
  await enrolTwoFactor(hub, users.cityhall);
  return { districts, shopId, otherShopId, listeningId, users, households };
}

export interface StaffSession {
  cookie: string;
  csrfToken: string;
  userId: number;
  /** Settles once the session is stored (`sessionFor`): requests and sockets made with it wait for it. */
  stored?: Promise<unknown>;
}

export async function login(hub: Hub, username: string, password = TEST_PASSWORD): Promise<StaffSession> {
  const post = (code?: string) =>
    hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, code } });
  let res = await post();
  if (res.statusCode === 401 && res.json().error?.code === 'TWO_FACTOR_REQUIRED') {
    res = await post(await secondFactorCode(hub, (await hub.stores.accounts.userByUsername(username))!.id));
  }
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0]! : setCookie!;
  const body = res.json() as SessionInfo;
  const session = { cookie: raw.split(';')[0]!, csrfToken: body.csrfToken, userId: body.user.id };
  // An account that must have two-factor sign-in and has not set it up yet (e.g. the demo city's
  // city hall staff on first start) does so now, as a person would on the account page.
  if (body.twoFactor.required && !body.twoFactor.enabled) await setUpTwoFactor(hub, session);
  return session;
}

/** Sets up two-factor sign-in through the REST routes (scan, then type the first code). */
export async function setUpTwoFactor(hub: Hub, session: StaffSession): Promise<void> {
  const setup = await as(hub, session)({ method: 'POST', url: '/api/auth/two-factor/setup' });
  if (setup.statusCode !== 200) throw new Error(`two-factor set-up failed: ${setup.body}`);
  const { secret } = setup.json() as { secret: string };
  const code = totpCode(secret, Math.floor(hub.ctx.clock.now() / 30_000));
  const confirm = await as(hub, session)({ method: 'POST', url: '/api/auth/two-factor/confirm', payload: { code } });
  if (confirm.statusCode !== 200) throw new Error(`two-factor confirmation failed: ${confirm.body}`);
}

/** A session for a user without going through the password (cheap; for tests that need many). */
export function sessionFor(hub: Hub, userId: number): StaffSession {
  const token = randomToken();
  const csrfToken = randomToken(24);
  const now = hub.ctx.clock.now();
  const stored = hub.stores.accounts.createSession({
    tokenHash: sha256(token),
    userId,
    csrfToken,
    now,
    expiresAt: now + 3600_000,
    ip: null,
  });
  return { cookie: `${SESSION_COOKIE}=${token}`, csrfToken, userId, stored };
}

/** `inject` as a signed-in staff member (cookie + CSRF header), or with a bearer key/credential. */
export function as(hub: Hub, who: StaffSession | { bearer: string } | null) {
  return async (opts: InjectOptions): Promise<LightMyRequestResponse> => {
    if (who && 'stored' in who) await who.stored;
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
    if (who && 'bearer' in who) headers.authorization = `Bearer ${who.bearer}`;
    else if (who) {
      headers.cookie = who.cookie;
      headers['x-csrf-token'] = who.csrfToken;
    }
    return hub.app.inject({ ...opts, headers });
  };
}

/**
 * A city hall API key that city hall lets publish by itself (a key's announcements are otherwise
 * held for a person's approval): what a bench, a fleet or a test feed needs.
 */
export async function publishingApiKey(hub: Hub, name: string): Promise<string> {
  const { id, key } = await hub.services.accounts.createApiKey(name, 'cityhall', null);
  await hub.capabilities.announcements.setSenderPolicy(id, { capSender: null, publish: 'auto' }, 'test');
  return key;
}

/** Issues a code and enrolls a terminal for the household; returns its credential. */
export async function enrollTerminal(
  hub: Hub,
  householdId: number,
): Promise<{ terminalId: number; credential: string }> {
  const { code } = await hub.services.terminals.issueCode(householdId, 'test');
  const r = await hub.services.terminals.enroll(code, 'test');
  return { terminalId: r.terminalId, credential: r.credential };
}

const clientDefaults = { transports: ['websocket' as const], reconnection: false, forceNew: true, timeout: 5000 };

export type TerminalSocket = Socket & { profile: Promise<TerminalProfile> };

/**
 * A terminal's socket, connecting: listeners attached at once see what the hub sends on connection.
 * `socket.profile` resolves with the profile the hub sends right after connecting.
 */
export function terminalSocket(
  url: string,
  credential: string,
  protocolVersion = PROTOCOL_VERSION,
  extra: { reconnection?: boolean; appVersion?: string } = {},
): TerminalSocket {
  const { appVersion, ...options } = extra;
  const socket = ioClient(`${url}${TERMINAL_NAMESPACE}`, {
    ...clientDefaults,
    ...options,
    auth: { credential, protocolVersion, ...(appVersion !== undefined ? { appVersion } : {}) },
  }) as TerminalSocket;
  socket.profile = new Promise((resolve) => socket.once('terminal:profileChanged', resolve));
  return socket;
}

/** Connects a terminal (see terminalSocket). */
export async function connectTerminal(...args: Parameters<typeof terminalSocket>): Promise<TerminalSocket> {
  return (await connectSocket(terminalSocket(...args))) as TerminalSocket;
}

/** A /staff socket, connecting, with these request headers (the session cookie, an origin…). */
export function staffSocket(url: string, headers: Record<string, string> = {}): Socket {
  return ioClient(`${url}${STAFF_NAMESPACE}`, { ...clientDefaults, extraHeaders: headers });
}

export async function connectStaff(url: string, session: StaffSession): Promise<Socket> {
  await session.stored;
  return connectSocket(staffSocket(url, { cookie: session.cookie }));
}

/** Resolves once connected; rejects with the hub's refusal (`err.data`) otherwise. */
export function connectSocket(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: ConnectErrorData }) => {
      socket.close();
      reject(Object.assign(new Error(err.data?.message ?? err.message), { data: err.data }));
    });
  });
}

/** Emits a command and resolves with its ack. */
export function emitAck<T = unknown>(socket: Socket, event: string, payload: unknown, timeoutMs = 5000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

/**
 * A call that is connected on both sides: the operator becomes available, the terminal asks for
 * `shopId`, the operator is rung and answers. Resolves with the call and the operator's answer.
 */
export async function connectCall(
  terminal: Socket,
  operator: Socket,
  shopId: number,
): Promise<{ callId: number; answer: Ack<CallInfo> }> {
  await emitAck(operator, 'call:setAvailability', { availability: 'available' });
  const ringing = nextEvent<CallInfo>(operator, 'call:ringing');
  const connected = nextEvent<CallInfo>(terminal, 'call:connected');
  const request = await emitAck<Ack<QueuePosition>>(terminal, 'call:request', { shopId });
  if (!request.ok) throw new Error(`call:request refused: ${request.error.code} ${request.error.message}`);
  const { callId } = await ringing;
  if (callId !== request.data.callId) throw new Error('the operator was rung for another call');
  const answer = await emitAck<Ack<CallInfo>>(operator, 'call:answer', { callId });
  if (!answer.ok) throw new Error(`call:answer refused: ${answer.error.code} ${answer.error.message}`);
  await connected;
  return { callId, answer };
}

/** Resolves with the next `event` on `socket`. */
export function nextEvent<T = unknown>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** A valid 1×1 PNG of one colour (uploads: shop photos). */
export function onePixelPng([r, g, b]: [number, number, number] = [255, 0, 0]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.from([0, r, g, b]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
