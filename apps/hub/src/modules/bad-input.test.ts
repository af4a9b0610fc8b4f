/**
 * Bad input on every /api route that takes a JSON body: unknown fields, wrong types, missing
 * required fields, oversized bodies, malformed JSON and wrong content types all get a 4xx with a
 * stable code, never a 500, and change nothing stored.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { BODY_LIMIT_BYTES } from '../app';
import { allows, type Principal } from '../lib/principal';
import type { ApiRoute } from '../plugins/auth';
import { as, createTestHub, enrollTerminal, type StaffSession, sessionFor, type TestHub } from '../testing/harness';

const wrongValueFor = (schema: TSchema): unknown => {
  switch (schema.type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not a number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    case 'object':
      return 'not an object';
    default:
      return { unexpected: ['shape'] };
  }
};

/** A small valid-looking example of a schema (TypeBox's Value.Create cannot invent pattern strings). */
const example = (schema: TSchema): unknown => {
  try {
    return Value.Create(schema);
  } catch {
    // fall through to a hand-made example
  }
  if (schema.const !== undefined) return schema.const;
  if (schema.anyOf) return example(schema.anyOf[0]);
  switch (schema.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const key of schema.required ?? []) o[key] = example(schema.properties[key]);
      return o;
    }
    case 'string':
      return ['abcdefghijkl', '12345678', '10:00', '0422-00-0000'].find((c) => Value.Check(schema, c)) ?? 'x';
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    default:
      return null;
  }
};

let address = 0;
/** A different client address per request, so per-address rate limits don't hide what is tested. */
const nextAddress = () => `10.1.${Math.floor(++address / 250)}.${address % 250}`;

describe('bad input on every route', () => {
  let hub: TestHub;
  let routes: ApiRoute[];
  let callerFor: (r: ApiRoute) => StaffSession | { bearer: string } | null;
  let snapshot: () => Promise<string>;

  beforeAll(async () => {
    hub = await createTestHub();
    const terminal = await enrollTerminal(hub, hub.fixture.households[0]!);
    const u = hub.fixture.users;
    const candidates: { principal: Principal | null; auth: () => StaffSession | { bearer: string } | null }[] = [
      ...(await Promise.all(
        (['admin', 'operator', 'listener', 'watcher'] as const).map(async (n) => ({
          principal: {
            kind: 'user',
            user: (await hub.stores.accounts.userById(u[n]))!,
            sessionId: 0,
            csrfToken: '',
          } as Principal,
          auth: () => sessionFor(hub, u[n]),
        })),
      )),
      {
        principal: { kind: 'terminal', terminalId: terminal.terminalId, householdId: hub.fixture.households[0]! },
        auth: () => ({ bearer: terminal.credential }),
      },
      { principal: null, auth: () => null },
    ];
    callerFor = (r) => candidates.find((c) => allows(r.access, c.principal))!.auth();
    routes = hub.apiRoutes.filter((r) => r.bodySchema && (r.bodySchema as TSchema).type === 'object');
    // Everything a bad request could have changed, except the audit log (failed attempts are logged) and sessions.
    // Rows in a stable order: PostgreSQL returns a table's rows in no set order (an update moves a row).
    snapshot = async () => {
      const tables = await hub.ctx.sql.all<{ name: string }>(
        hub.ctx.sql.engine === 'sqlite'
          ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
          : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      const names = tables
        .map(({ name }) => name)
        .filter((name) => !['audit_log', 'sessions', 'health_probe'].includes(name))
        .sort();
      const rows = async (name: string) =>
        (await hub.ctx.sql.all(`SELECT * FROM "${name}"`)).map((row) => JSON.stringify(row)).sort();
      return JSON.stringify(await Promise.all(names.map(async (name) => [name, await rows(name)])));
    };
  });
  afterAll(() => hub.close());

  const send = (r: ApiRoute, payload: unknown, headers: Record<string, string> = {}) =>
    as(
      hub,
      callerFor(r),
    )({
      method: r.method as 'POST',
      url: r.url.replace(/:[A-Za-z]+/g, '1'),
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: { 'content-type': 'application/json', ...headers },
      remoteAddress: nextAddress(),
    });

  it('covers the JSON routes', () => {
    expect(routes.length).toBeGreaterThan(8);
  });

  it('refuses unknown fields, wrong types and missing fields with VALIDATION_FAILED, changing nothing', async () => {
    const before = await snapshot();
    const problems: string[] = [];
    for (const r of routes) {
      const schema = r.bodySchema as TObject;
      const base = example(schema) as Record<string, unknown>;
      const cases: [string, unknown][] = [['unknown field', { ...base, surpriseField: 1 }]];
      for (const [key, prop] of Object.entries(schema.properties ?? {}))
        cases.push([`wrong type for ${key}`, { ...base, [key]: wrongValueFor(prop) }]);
      for (const key of schema.required ?? []) {
        const { [key]: _dropped, ...rest } = base;
        cases.push([`missing ${key}`, rest]);
      }
      cases.push(['an array instead of an object', [base]], ['null', null], ['a string', 'just text']);
      for (const [what, payload] of cases) {
        const res = await send(r, payload);
        const code = res.statusCode < 500 ? (res.json() as { error?: { code?: string } }).error?.code : undefined;
        if (res.statusCode !== 400 || !['VALIDATION_FAILED', 'BAD_REQUEST'].includes(code ?? '')) {
          problems.push(`${r.method} ${r.url} (${what}): ${res.statusCode} ${res.body.slice(0, 160)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it('names the unknown field in the error', async () => {
    const r = routes.find((x) => x.url === '/api/households' && x.method === 'POST')!;
    const res = await send(r, { name: 'a', address: 'b', districtId: hub.fixture.districts[0], surpriseField: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ path: 'body.surpriseField', message: 'is not a known field' }]);
  });

  it('refuses oversized bodies with 413 BODY_TOO_LARGE', async () => {
    const big = JSON.stringify({ notes: 'x'.repeat(BODY_LIMIT_BYTES + 10) });
    for (const r of routes.filter((x) => !x.bodyLimit || x.bodyLimit <= BODY_LIMIT_BYTES)) {
      const res = await send(r, big);
      expect([r.url, res.statusCode, res.json().error.code]).toEqual([r.url, 413, 'BODY_TOO_LARGE']);
    }
  });

  it('refuses malformed JSON and unsupported content types', async () => {
    for (const r of routes) {
      const bad = await send(r, '{"name": ');
      expect([r.url, bad.statusCode]).toEqual([r.url, 400]);
      expect(bad.json().error.code).toBe('BAD_REQUEST');
      const wrongType = await send(r, 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
      expect([r.url, wrongType.statusCode]).toEqual([r.url, 415]);
      expect(wrongType.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('refuses bad path and query parameters', async () => {
    const admin = sessionFor(hub, hub.fixture.users.admin);
    for (const url of [
      '/api/households/abc',
      '/api/households/-1',
      '/api/households/1.5',
      '/api/audit?limit=100000',
      '/api/audit?limit=x',
      '/api/households?districtId=x',
      '/api/households?bogus=1',
    ]) {
      const res = await as(hub, admin)({ method: 'GET', url });
      expect([url, res.statusCode, res.json().error.code]).toEqual([url, 400, 'VALIDATION_FAILED']);
    }
  });

  it('answers unknown routes with 404 NOT_FOUND in the error shape', async () => {
    for (const [method, url] of [
      ['GET', '/api/nothing-here'],
      ['POST', '/api/users/1/explode'],
      ['DELETE', '/api'],
    ] as const) {
      const res = await hub.app.inject({ method, url });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('serves /healthz to anyone, and /metrics only to monitoring (plugins/exposure.test.ts)', async () => {
    expect((await hub.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const metrics = await hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(404);
    expect(metrics.json().error.code).toBe('NOT_FOUND');
  });

  it('serves the OpenAPI document', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/terminals/enroll', '/api/households']),
    );
  });
});
