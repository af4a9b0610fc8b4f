import { ApiClient, ApiError, fillPath, hubBase, NETWORK_ERROR } from './client';
import { emitAck, type StaffSocket } from './socket';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(responses: { status: number; body?: unknown }[]) {
  const calls: Call[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const r = responses.shift() ?? { status: 200, body: {} };
    return new Response(r.body === undefined ? '' : JSON.stringify(r.body), { status: r.status });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

const session = { user: { id: 1, username: 'cityhall' }, csrfToken: 'csrf-1' };

test('the hub base is the folder above /console/', () => {
  expect(hubBase({ href: 'https://city.example/tsunagu/console/#/households' })).toBe('https://city.example/tsunagu/');
});

test('writes carry the session CSRF token; reads do not', async () => {
  const { fn, calls } = fakeFetch([
    { status: 200, body: session },
    { status: 200, body: { households: [] } },
    { status: 201, body: {} },
    { status: 200, body: { ok: true } },
  ]);
  const api = new ApiClient({ base: 'http://hub/', fetch: fn });
  await api.login('cityhall', 'pw');
  await api.call('GET /api/audit', { query: { limit: 3, beforeId: undefined } });
  await api.call('POST /api/households/:id/enrollment-codes', { params: { id: 4 }, body: {} });
  await api.call('POST /api/terminals/:id/revoke', { params: { id: 9 } });
  expect(calls.map((c) => c.url)).toEqual([
    'http://hub/api/auth/login',
    'http://hub/api/audit?limit=3',
    'http://hub/api/households/4/enrollment-codes',
    'http://hub/api/terminals/9/revoke',
  ]);
  const headers = calls.map((c) => c.init.headers as Record<string, string>);
  expect(headers[1]!['x-csrf-token']).toBeUndefined();
  expect(headers[2]!['x-csrf-token']).toBe('csrf-1');
  expect(headers[2]!['content-type']).toBe('application/json');
  expect(calls[2]!.init.body).toBe('{}');
  // No body: no JSON content type (the hub refuses an empty body declared as JSON).
  expect(headers[3]!['x-csrf-token']).toBe('csrf-1');
  expect(headers[3]!['content-type']).toBeUndefined();
});

test('the hub error shape becomes a typed ApiError', async () => {
  const { fn } = fakeFetch([{ status: 423, body: { error: { code: 'ACCOUNT_LOCKED', message: 'locked' } } }]);
  const api = new ApiClient({ base: 'http://hub/', fetch: fn });
  const err = await api.login('cityhall', 'pw').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect(err).toMatchObject({ status: 423, code: 'ACCOUNT_LOCKED', message: 'locked' });
});

test('a body without the error shape still gets a code from its status', async () => {
  const { fn } = fakeFetch([{ status: 429, body: 'nope' }]);
  const api = new ApiClient({ base: 'http://hub/', fetch: fn });
  await expect(api.call('GET /api/districts')).rejects.toMatchObject({ status: 429, code: 'RATE_LIMITED' });
});

test('an unreachable hub is a NETWORK_ERROR', async () => {
  const api = new ApiClient({
    base: 'http://hub/',
    fetch: (async () => Promise.reject(new TypeError('Failed to fetch'))) as unknown as typeof fetch,
  });
  await expect(api.call('GET /api/districts')).rejects.toMatchObject({ status: 0, code: NETWORK_ERROR });
});

test('a 401 on a call tells the shell the session is gone; restoring an absent session does not', async () => {
  const lost: ApiError[] = [];
  const { fn } = fakeFetch([
    { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'Please sign in.' } } },
    { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'x' } } },
  ]);
  const api = new ApiClient({ base: 'http://hub/', fetch: fn, onUnauthenticated: (e) => lost.push(e) });
  await expect(api.restoreSession()).resolves.toBeNull();
  expect(lost).toHaveLength(0);
  await expect(api.call('GET /api/households')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  expect(lost).toHaveLength(1);
});

test('logout forgets the CSRF token even if the hub call fails', async () => {
  const { fn, calls } = fakeFetch([
    { status: 200, body: session },
    { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'x' } } },
    { status: 200, body: session },
  ]);
  const api = new ApiClient({ base: 'http://hub/', fetch: fn });
  await api.login('cityhall', 'pw');
  await expect(api.logout()).rejects.toBeInstanceOf(ApiError);
  await api.call('POST /api/auth/login', { body: { username: 'a', password: 'b' } });
  expect((calls[2]!.init.headers as Record<string, string>)['x-csrf-token']).toBeUndefined();
});

test('routes are called by their table key: path parameters filled in and escaped', async () => {
  const { fn, calls } = fakeFetch([{ status: 200, body: { ok: true } }]);
  const api = new ApiClient({ base: 'http://hub/tsunagu/', fetch: fn });
  await api.call('DELETE /api/shops/:id/items/:itemId', { params: { id: 1, itemId: 5 } });
  expect(calls[0]!.url).toBe('http://hub/tsunagu/api/shops/1/items/5');
  expect(calls[0]!.init.method).toBe('DELETE');
  expect(fillPath('/api/x/:id', { id: 'a/b c' })).toBe('/api/x/a%2Fb%20c');
  expect(() => fillPath('/api/x/:id', {})).toThrow(':id');
});

test('uploads send the file as it is, with its own type and the CSRF token', async () => {
  const { fn, calls } = fakeFetch([
    { status: 200, body: session },
    { status: 200, body: { id: 5 } },
  ]);
  const api = new ApiClient({ base: 'http://hub/', fetch: fn });
  await api.login('cityhall', 'pw');
  const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
  await api.upload('PUT /api/shops/:id/items/:itemId/photo', { params: { id: 1, itemId: 5 } }, photo);
  expect(calls[1]!.url).toBe('http://hub/api/shops/1/items/5/photo');
  expect(calls[1]!.init.method).toBe('PUT');
  expect(calls[1]!.init.body).toBe(photo);
  const headers = calls[1]!.init.headers as Record<string, string>;
  expect(headers['content-type']).toBe('image/jpeg');
  expect(headers['x-csrf-token']).toBe('csrf-1');
});

test('downloads are links to the route, with its query string', () => {
  const api = new ApiClient({ base: 'http://hub/tsunagu/', fetch: fakeFetch([]).fn });
  expect(
    api.link('GET /api/announcements/:id/follow-ups.csv', { params: { id: 21 }, query: { sort: 'needsAssistance' } }),
  ).toBe('http://hub/tsunagu/api/announcements/21/follow-ups.csv?sort=needsAssistance');
});

// Compile-time only (tsc -b checks this file): a call that does not match the route table is an error.
export function notTheTable(api: ApiClient): void {
  // @ts-expect-error: no such route
  void api.call('GET /api/no-such-route');
  // @ts-expect-error: the body is missing a field the table requires
  void api.call('POST /api/auth/login', { body: { username: 'a' } });
  // @ts-expect-error: a path parameter of the wrong type
  void api.call('GET /api/households/:id', { params: { id: '7' } });
  // @ts-expect-error: CSV is not JSON: link to it instead
  void api.call('GET /api/announcements/:id/follow-ups.csv', { params: { id: 1 } });
}

// …and the console's socket follows the event table.
export function notTheEventTable(socket: StaffSocket): void {
  // @ts-expect-error: not a notification of the /staff table
  socket.on('announcement:changd', () => undefined);
  // @ts-expect-error: not a command of the /staff table
  void emitAck(socket, 'watch:acknowledg', { alertId: 1 });
  // @ts-expect-error: a payload without the table's required fields
  void emitAck(socket, 'watch:resolve', { alertId: 1 });
}
