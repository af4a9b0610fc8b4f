import { createPackagedRendererHandler, installPackagedRenderer, packagedFile } from './packaged-renderer';

const HUB = 'https://hub.example.city';
const PAGE = `${HUB}/terminal/`;

function setup() {
  const files: Record<string, string> = {
    '/app/web/index.html': '<!doctype html>',
    '/app/web/app.js': 'console.log(1)',
  };
  const network: string[] = [];
  const handler = createPackagedRendererHandler({
    terminalUrl: PAGE,
    hubOrigin: HUB,
    dir: '/app/web',
    readFile: async (file) => {
      const text = files[file];
      if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return new TextEncoder().encode(text);
    },
    fetch: async (request) => {
      network.push(`${request.method} ${request.url}`);
      return new Response('from the hub');
    },
  });
  return { handler, network };
}

describe('packaged renderer (the kiosk starts without the hub)', () => {
  it('answers the terminal page and its files from the package, with the CSP', async () => {
    const { handler, network } = setup();
    for (const [url, body, type] of [
      [PAGE, '<!doctype html>', 'text/html; charset=utf-8'],
      [`${PAGE}?hub=x`, '<!doctype html>', 'text/html; charset=utf-8'],
      [`${PAGE}app.js`, 'console.log(1)', 'text/javascript; charset=utf-8'],
    ] as const) {
      const res = await handler(new Request(url));
      expect(res.status).toBe(200);
      await expect(res.text()).resolves.toBe(body);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    expect(network).toEqual([]);
  });

  it('sends everything else to the hub: API, sockets, other paths, writes, files not packaged', async () => {
    const { handler, network } = setup();
    await handler(new Request(`${HUB}/api/announcements/1/speech?lang=ja`));
    await handler(new Request(`${HUB}/socket.io/?EIO=4&transport=polling`));
    await handler(new Request(`${PAGE}sw.js`));
    await handler(new Request(`${PAGE}index.html`, { method: 'POST', body: 'x' }));
    expect(network).toEqual([
      `GET ${HUB}/api/announcements/1/speech?lang=ja`,
      `GET ${HUB}/socket.io/?EIO=4&transport=polling`,
      `GET ${PAGE}sw.js`,
      `POST ${PAGE}index.html`,
    ]);
  });

  it('never maps a request outside the package folder', () => {
    expect(packagedFile(`${PAGE}..%2F..%2Fetc%2Fpasswd`, PAGE)).toBeNull();
    expect(packagedFile(`${PAGE}a/b.js`, PAGE)).toBeNull();
    expect(packagedFile(`${PAGE}.hidden`, PAGE)).toBeNull();
    expect(packagedFile(`${HUB}/console/`, PAGE)).toBeNull();
    expect(packagedFile(`https://evil.example/terminal/`, PAGE)).toBeNull();
    expect(packagedFile(PAGE, PAGE)).toBe('index.html');
  });

  it('installs on the hub scheme and goes to the network past itself', async () => {
    const handle = jest.fn();
    const fetch = jest.fn(async () => new Response('net'));
    installPackagedRenderer({ handle }, { fetch }, { terminalUrl: PAGE, hubOrigin: HUB, dir: '/nowhere' });
    expect(handle).toHaveBeenCalledWith('https', expect.any(Function));
    const handler = handle.mock.calls[0]![1] as (r: Request) => Promise<Response>;
    await handler(new Request(`${HUB}/api/x`));
    expect(fetch).toHaveBeenCalledWith(expect.any(Request), { bypassCustomProtocolHandlers: true });
  });
});
