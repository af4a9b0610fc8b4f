// The hub sends the web apps' files compressed to a browser that accepts it (issue 17): the build's
// Brotli and gzip copies (scripts/build-web.mjs), the same bytes once decoded, with `Vary:
// Accept-Encoding` for the caches on the way; the page itself as it is on disk (a city may edit it).
// The files named after their content are kept by browsers for good; the rest are asked again.
// And the terminal's page, so served, starts in Chromium.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { launchBrowser } from '../helpers/browser';
import { startTestHub, type TestHub } from '../helpers/hub';

jest.setTimeout(60_000);

const TERMINAL_WEB = path.resolve(__dirname, '../../apps/terminal/dist/web');
const CONSOLE_WEB = path.resolve(__dirname, '../../apps/console/dist/web');

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ seedDemo: true });
});
afterAll(async () => {
  await hub?.dispose();
});

function get(
  url: string,
  acceptEncoding: string | null,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

/** The scripts the terminal's page preloads for its first screen (index.html). */
function firstScreenScripts(): string[] {
  const html = fs.readFileSync(path.join(TERMINAL_WEB, 'index.html'), 'utf8');
  return [...html.matchAll(/rel="modulepreload" href="\.\/([^"]+)"/g)].map((m) => m[1]!);
}

/** The largest of them. */
function firstScreenChunk(): string {
  const names = firstScreenScripts();
  return names.sort(
    (a, b) => fs.statSync(path.join(TERMINAL_WEB, b)).size - fs.statSync(path.join(TERMINAL_WEB, a)).size,
  )[0]!;
}

describe('the web apps’ files', () => {
  it.each([
    ['the terminal’s largest first-screen script', () => ['/terminal/', TERMINAL_WEB, firstScreenChunk()] as const],
    ['the console’s script', () => ['/console/', CONSOLE_WEB, 'app.js'] as const],
  ])('%s: Brotli or gzip when accepted, the file as it is otherwise, the same bytes decoded', async (_what, which) => {
    const [prefix, dir, name] = which();
    const file = fs.readFileSync(path.join(dir, name));
    const url = `${hub.url}${prefix}${name}`;

    const br = await get(url, 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(file.length / 2);
    expect(zlib.brotliDecompressSync(br.body).equals(file)).toBe(true);

    const gz = await get(url, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(file)).toBe(true);

    const plain = await get(url, null);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(file)).toBe(true);
  });

  it('lets a browser keep the files named after their content; the page, the entries and the worker are asked again', async () => {
    const chunk = firstScreenChunk();
    expect(chunk).toMatch(/-[A-Z2-7]{8}\.js$/);
    for (const enc of ['gzip, deflate, br', null]) {
      const res = await get(`${hub.url}/terminal/${chunk}`, enc);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    for (const p of ['/terminal/', '/terminal/app.js', '/terminal/sw.js', '/console/app.js', '/console/']) {
      const res = await get(`${hub.url}${p}`, 'gzip, deflate, br');
      expect([p, res.status, res.headers['cache-control']]).toEqual([p, 200, 'no-cache']);
    }
  });

  it('sends the page as it is on disk, whatever the browser accepts', async () => {
    const page = await get(`${hub.url}/terminal/`, 'gzip, deflate, br');
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBeUndefined();
    expect(page.body.equals(fs.readFileSync(path.join(TERMINAL_WEB, 'index.html')))).toBe(true);
  });

  it('a second visit asks the hub again for the page and its entry, not for the first screen’s scripts named after their content', async () => {
    const browser = await launchBrowser();
    try {
      // No service worker: it would answer the second visit from its own copies, hiding the HTTP cache.
      const context = await browser.newContext({ locale: 'ja-JP', serviceWorkers: 'block' });
      const page = await context.newPage();
      const url = `${hub.url}/terminal/#credential=${hub.demo.terminals[1]!.credential}`;
      await page.goto(url);
      await page.getByTestId('home-checkin').waitFor({ timeout: 20_000 });
      await page.goto('about:blank');
      await page.goto(url);
      await page.getByTestId('home-checkin').waitFor({ timeout: 20_000 });
      // Bytes that came over the network for each script (0: from the browser's cache, not asked).
      const sizes = await page.evaluate(() =>
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .filter((e) => e.name.endsWith('.js'))
          .map((e) => [e.name.slice(e.name.lastIndexOf('/') + 1), e.transferSize] as const),
      );
      // The first screen's (home is up only once they have all come; the other screens' chunks, fetched
      // after home, may still have been on their way when the first visit was left).
      const first = new Set(firstScreenScripts());
      const named = sizes.filter(([name]) => first.has(name) && /-[A-Z2-7]{8}\.js$/.test(name));
      expect(named.length).toBeGreaterThan(3);
      expect(named.filter(([, size]) => size > 0)).toEqual([]);
      // The entry keeps its name across builds: asked again (an answer of its headers, 304, or the file).
      expect(sizes.find(([name]) => name === 'app.js')?.[1]).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  });

  it('starts the terminal in Chromium from the compressed scripts', async () => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'ja-JP' });
      const page = await context.newPage();
      const encodings: string[] = [];
      const chunk = firstScreenChunk();
      page.on('response', (r) => {
        if (r.url().endsWith(chunk)) encodings.push(r.headers()['content-encoding'] ?? 'none');
      });
      await page.goto(`${hub.url}/terminal/#credential=${hub.demo.terminals[0]!.credential}`);
      await page.getByTestId('home-checkin').waitFor({ timeout: 20_000 });
      expect(encodings.length).toBeGreaterThan(0);
      expect(encodings.every((e) => e === 'br' || e === 'gzip')).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
