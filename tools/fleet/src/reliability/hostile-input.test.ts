/**
 * Hostile and malformed input, property-based (fast-check): random and near-valid payloads sent to
 * every REST route and every Socket.IO command, as people and API keys of each role, a terminal and
 * nobody (sockets whose session has ended: hostile-sessions.test.ts). Never a crash,
 * never a 500, always a clear error code, and nothing stored changes when the hub refuses. SQL in
 * every text field leaves the schema and the data intact.
 *
 * Runs per route/command and caller: TSUNAGU_FUZZ_RUNS (default 6).
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ApiRoute } from '@tsunagu/hub/plugins/auth';
import type { SocketCommand } from '@tsunagu/hub/plugins/socket';
import { createTestHub, type StaffSession, type TestHub } from '@tsunagu/hub/testing/harness';
import { PROTOCOL_VERSION, TERMINAL_NAMESPACE } from '@tsunagu/protocol';
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { writeCounter } from './write-counter';

const RUNS = Number(process.env.TSUNAGU_FUZZ_RUNS ?? 4);
jest.setTimeout(180_000);

const SQL_INJECTIONS = [
  "'; DROP TABLE households; --",
  "' OR '1'='1",
  '1; DELETE FROM users',
  "x'); UPDATE users SET admin = 1; --",
  '" OR ""="',
  "\\'; ATTACH DATABASE '/tmp/x.db' AS x; --",
];
const HOSTILE_STRINGS = [
  ...SQL_INJECTIONS,
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '\u0000',
  '\u202e',
  '{{constructor.constructor("return process")()}}',
  '__proto__',
  'x'.repeat(70_000),
];

function schemaExample(schema: TSchema | undefined): unknown {
  if (!schema) return {};
  try {
    return Value.Create(schema);
  } catch {
    return {};
  }
}

/** Random values, JSON-shaped and not. */
const anyValue = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(null, undefined, 0, -1, 2 ** 53, Number.NaN, '', [], {}, true),
  fc.constantFrom(...HOSTILE_STRINGS),
);

/** Near-valid: an example of the schema with one field replaced, removed or added. */
function nearValid(schema: TSchema | undefined) {
  const base = schemaExample(schema);
  const keys = base && typeof base === 'object' && !Array.isArray(base) ? Object.keys(base) : [];
  return fc.oneof(
    anyValue,
    fc
      .record({ key: keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('x'), value: anyValue })
      .map(({ key, value }) => (base && typeof base === 'object' ? { ...(base as object), [key]: value } : value)),
    fc
      .record({ key: fc.string({ maxLength: 10 }), value: anyValue })
      .map(({ key, value }) => (base && typeof base === 'object' ? { ...(base as object), [key]: value } : value)),
    keys.length > 0
      ? fc.constantFrom(...keys).map((key) => {
          const o = { ...(base as Record<string, unknown>) };
          delete o[key];
          return o;
        })
      : fc.constant(base),
  );
}

const urlPart = fc.oneof(
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.constantFrom('987654', '0', '-1', '1e3', '9007199254740993', 'abc', '%2e%2e%2f', '..%2f..%2fetc', "1'%20OR%201=1"),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);

const ERROR_CODE = /^[A-Z][A-Z0-9_]+$/;

describe('hostile and malformed input', () => {
  let hub: TestHub;
  let url: string;
  let callers: { name: string; auth: () => StaffSession | { bearer: string } | null }[];
  let terminalCredential: string;
  let writes: () => number;

  beforeAll(async () => {
    hub = await createTestHub();
    url = await hub.listen();
    const u = hub.fixture.users;
    writes = writeCounter(hub);
    terminalCredential = (await hub.enrollTerminal(hub.fixture.households[0]!)).credential;
    // Machine callers of every role next to the people of every role.
    const keys = await Promise.all(
      (['cityhall', 'operator', 'listener', 'watcher'] as const).map(async (role) => {
        const { key: bearer } = await hub.services.accounts.createApiKey(`fuzz-${role}`, role, null);
        return { name: `${role} API key`, auth: () => ({ bearer }) };
      }),
    );
    callers = [
      { name: 'anonymous', auth: () => null },
      { name: 'terminal', auth: () => ({ bearer: terminalCredential }) },
      ...keys,
      ...(['admin', 'cityhall', 'operator', 'listener', 'watcher', 'supervisor'] as const).map((name) => ({
        name,
        auth: () => hub.sessionFor(u[name]),
      })),
    ];
  });
  afterAll(async () => {
    await hub.close();
  });

  it('REST: every route, every caller, random bodies, ids and query strings → a 4xx with a code or a success; refusals change nothing', async () => {
    const routes: ApiRoute[] = hub.apiRoutes;
    expect(routes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    let requests = 0;
    for (const route of routes) {
      for (const caller of callers) {
        await fc.assert(
          fc.asyncProperty(
            nearValid(route.bodySchema as TSchema | undefined),
            fc.array(urlPart, { minLength: 3, maxLength: 3 }),
            fc.dictionary(fc.constantFrom('limit', 'day', 'from', 'to', 'status', 'x'), urlPart, { maxKeys: 2 }),
            fc.constantFrom('json', 'text', 'none'),
            async (body, ids, query, encoding) => {
              let i = 0;
              const path = route.url.replace(/:[A-Za-z]+/g, () => ids[i++ % 3]!);
              const qs = new URLSearchParams(query as Record<string, string>).toString();
              const who = caller.auth();
              const before = writes();
              const withBody = !['GET', 'DELETE'].includes(route.method) && encoding !== 'none';
              let payload: string | undefined;
              if (withBody) {
                try {
                  payload = encoding === 'json' ? JSON.stringify(body) : String(body);
                } catch {
                  payload = '{"cyclic":';
                }
              }
              const res = await hub.as(who)({
                method: route.method as 'POST',
                url: qs ? `${path}?${qs}` : path,
                ...(payload !== undefined
                  ? { payload, headers: { 'content-type': encoding === 'json' ? 'application/json' : 'text/plain' } }
                  : {}),
              });
              requests++;
              const where = `${route.method} ${path}${qs ? `?${qs}` : ''} as ${caller.name} body=${(payload ?? '').slice(0, 80)}`;
              if (res.statusCode >= 500) failures.push(`${where}: ${res.statusCode} ${res.body.slice(0, 200)}`);
              if (res.statusCode >= 400) {
                let code: unknown;
                try {
                  code = (res.json() as { error?: { code?: unknown } }).error?.code;
                } catch {
                  code = undefined;
                }
                if (typeof code !== 'string' || !ERROR_CODE.test(code))
                  failures.push(`${where}: ${res.statusCode} without an error code: ${res.body.slice(0, 120)}`);
                // A refused login may count a failed attempt (lockout), which is the point of it.
                if (!route.url.startsWith('/api/auth/login') && writes() !== before)
                  failures.push(`${where}: refused (${res.statusCode}) but something stored changed`);
              }
            },
          ),
          { numRuns: RUNS, seed: 7 },
        );
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(requests).toBeGreaterThan(routes.length * callers.length * RUNS * 0.9);
  });

  it('Socket.IO: every command, from a terminal and from each staff role, random payloads → an error code or a success; refusals change nothing', async () => {
    const terminal = await hub.connectTerminal(terminalCredential);
    const staff: { name: string; socket: Socket }[] = [];
    for (const name of ['admin', 'cityhall', 'operator', 'listener', 'watcher', 'supervisor'] as const) {
      const s = await hub.connectStaff(hub.sessionFor(hub.fixture.users[name]));
      staff.push({ name, socket: s });
    }
    await new Promise((r) => setTimeout(r, 100));
    const commands: SocketCommand[] = [...hub.ctx.sockets.commands.values()];
    expect(commands.filter((c) => c.namespace === TERMINAL_NAMESPACE).length).toBeGreaterThan(5);
    expect(commands.filter((c) => c.namespace !== TERMINAL_NAMESPACE).length).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const cmd of commands) {
      const senders = cmd.namespace === TERMINAL_NAMESPACE ? [{ name: 'terminal', socket: terminal as Socket }] : staff;
      for (const sender of senders) {
        await fc.assert(
          fc.asyncProperty(nearValid(cmd.schema), async (payload) => {
            const before = writes();
            let ack: { ok?: unknown; error?: { code?: unknown } };
            try {
              ack = (await sender.socket.timeout(10_000).emitWithAck(cmd.event, payload)) as typeof ack;
            } catch (err) {
              failures.push(`${cmd.namespace} ${cmd.event} from ${sender.name}: no answer (${String(err)})`);
              return;
            }
            const where = `${cmd.namespace} ${cmd.event} from ${sender.name} payload=${JSON.stringify(payload)?.slice(0, 80)}`;
            if (typeof ack?.ok !== 'boolean') failures.push(`${where}: malformed ack ${JSON.stringify(ack)}`);
            if (ack?.ok === false) {
              const code = ack.error?.code;
              if (typeof code !== 'string' || !ERROR_CODE.test(code) || code === 'INTERNAL')
                failures.push(`${where}: error code ${String(code)}`);
              if (writes() !== before) failures.push(`${where}: refused but something stored changed`);
            }
          }),
          { numRuns: RUNS, seed: 11 },
        );
      }
    }
    // Payloads without an ack callback, extra arguments, unknown events: silently handled.
    for (const cmd of commands) {
      const s = cmd.namespace === TERMINAL_NAMESPACE ? terminal : staff[1]!.socket;
      s.emit(cmd.event, '<script>');
      s.emit(cmd.event);
      s.emit(cmd.event, {}, 'extra', 42);
    }
    terminal.emit('no:such-event', { a: 1 });
    expect(failures.slice(0, 20)).toEqual([]);
    // Still alive and answering on both namespaces.
    expect(await terminal.timeout(5000).emitWithAck('terminal:heartbeat', {})).toMatchObject({ ok: true });
    expect(await staff[0]!.socket.timeout(5000).emitWithAck('staff:ping', {})).toMatchObject({ ok: true });
  });

  it('Socket.IO handshakes with random credentials and protocol versions are refused with a code', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.record({ credential: anyValue, protocolVersion: fc.oneof(anyValue, fc.constant(PROTOCOL_VERSION)) }),
        async (auth) => {
          const s = io(`${url}${TERMINAL_NAMESPACE}`, {
            auth: auth as Record<string, unknown>,
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
          });
          const outcome = await new Promise<string>((resolve) => {
            s.once('connect', () => resolve('CONNECTED'));
            s.once('connect_error', (err: Error & { data?: { code?: string } }) =>
              resolve(err.data?.code ?? `no code: ${err.message}`),
            );
          });
          s.close();
          seen.add(outcome);
          expect(outcome).toMatch(/^(UNAUTHENTICATED|CREDENTIAL_REVOKED|PROTOCOL_MISMATCH)$/);
        },
      ),
      { numRuns: 25, seed: 3 },
    );
    expect(seen.size).toBeGreaterThan(1);
  });

  it('SQL in every text field is stored as text: schema, row counts and integrity unchanged', async () => {
    const db = hub.ctx.db;
    const schemaBefore = db.prepare('SELECT name, sql FROM sqlite_master ORDER BY name').all();
    const admins = () => (db.prepare('SELECT COUNT(*) AS n FROM users WHERE admin = 1').get() as { n: number }).n;
    const adminsBefore = admins();
    const households = () => (db.prepare('SELECT COUNT(*) AS n FROM households').get() as { n: number }).n;
    const householdsBefore = households();
    // A new session each time: the logout route is among those called.
    const admin = () => hub.sessionFor(hub.fixture.users.admin);
    // Every string field of every JSON body, one injection at a time, as city hall's admin.
    for (const route of hub.apiRoutes) {
      const schema = route.bodySchema as TSchema | undefined;
      const base = schemaExample(schema);
      if (!schema || !base || typeof base !== 'object') continue;
      const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
      for (const [key, prop] of Object.entries(props)) {
        if (prop.type !== 'string') continue;
        for (const sql of SQL_INJECTIONS) {
          const res = await hub.as(admin())({
            method: route.method as 'POST',
            url: route.url.replace(/:[A-Za-z]+/g, '1'),
            payload: { ...(base as object), [key]: sql },
          });
          // Never a crash; a 503 only as a stated refusal (this hub has no speech programs:
          // SPEECH_UNAVAILABLE from the speech preview), never an unexplained one.
          if (res.statusCode === 503) expect(res.json()).toMatchObject({ error: { code: 'SPEECH_UNAVAILABLE' } });
          else expect(res.statusCode).toBeLessThan(500);
        }
      }
    }
    expect(db.prepare('SELECT name, sql FROM sqlite_master ORDER BY name').all()).toEqual(schemaBefore);
    expect(admins()).toBe(adminsBefore);
    expect(households()).toBeGreaterThanOrEqual(householdsBefore);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // A household named with SQL keeps its name, literally (and the write counter sees the write).
    const writesBefore = writes();
    const res = await hub.as(admin())({
      method: 'POST',
      url: '/api/households',
      payload: { name: SQL_INJECTIONS[0], address: SQL_INJECTIONS[1], districtId: hub.fixture.districts[0] },
    });
    expect(res.statusCode).toBe(201);
    const id = (res.json() as { id: number }).id;
    expect(writes()).toBeGreaterThan(writesBefore);
    expect(db.prepare('SELECT name, address FROM households WHERE id = ?').get(id)).toEqual({
      name: SQL_INJECTIONS[0],
      address: SQL_INJECTIONS[1],
    });
  });
});
