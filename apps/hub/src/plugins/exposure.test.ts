/**
 * What the hub shows to someone who is not signed in: /metrics only with the configured bearer
 * token or on a separate monitoring address, source maps only in development, and every error —
 * Fastify's own and Node's HTTP parser's too — in the one JSON error shape.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createTestHub, type TestHub, withHub } from '../testing/harness';

jest.setTimeout(30_000);

const TOKEN = 'monitoring-token-0123456789abcdef';

/** Sends raw bytes (what a client library would refuse to send) and returns the raw answer. */
function rawRequest(url: string, bytes: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const s = net.connect(Number(port), '127.0.0.1', () => s.write(bytes));
    s.on('data', (d) => {
      answer += d.toString();
    });
    s.on('end', () => resolve(answer));
    s.on('error', reject);
  });
}

const bodyOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as unknown;

describe('/metrics', () => {
  let hub: TestHub | null = null;
  afterEach(async () => {
    await hub?.close();
    hub = null;
  });

  it('is not served to anyone when no token and no monitoring address are configured', async () => {
    hub = await createTestHub();
    const res = await hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(res.body).not.toContain('tsunagu_');
  });

  it('needs the configured bearer token', async () => {
    hub = await createTestHub({ config: { metrics: { token: TOKEN, listen: null } } });
    const get = (authorization?: string) =>
      hub!.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
    expect((await get()).statusCode).toBe(401);
    expect((await get()).json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect((await get('Bearer wrong-token-wrong-token-wrong')).statusCode).toBe(401);
    const ok = await get(`Bearer ${TOKEN}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('tsunagu_http_requests_total');
  });

  it('can be served on a separate monitoring address instead, and then not on the public one', async () => {
    hub = await createTestHub({ config: { metrics: { token: null, listen: { host: '127.0.0.1', port: 0 } } } });
    await hub.listen();
    const monitoring = hub.metricsAddress();
    expect(monitoring).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${monitoring}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('tsunagu_sockets_connected');
    const other = await fetch(`${monitoring}/api/households`);
    expect(other.status).toBe(404);
    expect((await hub.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });
});

describe('source maps', () => {
  const mapFile = ['console', 'terminal']
    .map((app) => path.resolve(__dirname, `../../../${app}/dist/web`))
    .flatMap((dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.map')) : []))[0];
  let hub: TestHub | null = null;
  afterEach(async () => {
    await hub?.close();
    hub = null;
  });

  (mapFile ? it : it.skip)('are served only in development', async () => {
    hub = await createTestHub();
    const url = `/console/${mapFile}`;
    const prod = await hub.app.inject({ method: 'GET', url });
    expect(prod.statusCode).toBe(404);
    expect(prod.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await hub.app.inject({ method: 'GET', url: '/console/app.js' })).statusCode).toBe(200);
    await hub.close();
    hub = await createTestHub({ config: { development: true } });
    expect((await hub.app.inject({ method: 'GET', url })).statusCode).toBe(200);
  });
});

describe('one error shape for everything', () => {
  let hub: TestHub;
  let url: string;
  withHub('all', async (made) => {
    hub = made;
    url = await hub.listen();
  });

  it('a URL that does not decode', async () => {
    for (const p of ['/api/households/%E0%A4%A', '/%', '/console/%zz']) {
      const res = await fetch(url + p);
      expect([p, res.status]).toEqual([p, 400]);
      expect(await res.json()).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    }
  });

  it('a request the HTTP parser refuses, and headers that are too large', async () => {
    const bad = await rawRequest(url, 'GET /api/households HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(bad)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    const big = await rawRequest(url, `GET /api/x HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(big)).toEqual({ error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String) } });
  });
});
