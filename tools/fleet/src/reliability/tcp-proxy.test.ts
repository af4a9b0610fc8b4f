import net from 'node:net';
import { TcpProxy } from './tcp-proxy';

/** An echo server and a client through the proxy. */
async function setup() {
  const echo = net.createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  const a = echo.address() as net.AddressInfo;
  const proxy = new TcpProxy({ host: '127.0.0.1', port: a.port });
  await proxy.listen();
  const connect = () =>
    new Promise<net.Socket & { received: string }>((resolve, reject) => {
      const c = net.connect(proxy.port, '127.0.0.1') as net.Socket & { received: string };
      c.received = '';
      c.on('error', () => {});
      c.on('data', (d) => {
        c.received += d.toString();
      });
      c.once('connect', () => resolve(c));
      c.once('error', reject);
    });
  return {
    proxy,
    connect,
    close: async () => {
      await proxy.close();
      await new Promise((r) => echo.close(r));
    },
  };
}

type Client = Awaited<ReturnType<Awaited<ReturnType<typeof setup>>['connect']>>;

/** Runs `use` with one client connected through a fresh proxy; the client, proxy and server go after, even on failure. */
async function withClient(use: (proxy: TcpProxy, client: Client) => Promise<void>): Promise<void> {
  const t = await setup();
  const client = await t.connect();
  try {
    await use(t.proxy, client);
  } finally {
    client.destroy();
    await t.close();
  }
}

const until = async (pred: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  return pred();
};

describe('TcpProxy', () => {
  it('passes bytes both ways unchanged', () =>
    withClient(async (proxy, c) => {
      c.write('hello');
      expect(await until(() => c.received === 'hello')).toBe(true);
      expect(proxy.connections).toBe(1);
    }));

  it('adds a delay each way and keeps the order of chunks', () =>
    withClient(async (proxy, c) => {
      proxy.setDelay(150);
      const started = Date.now();
      for (const ch of ['a', 'b', 'c', 'd']) c.write(ch);
      expect(await until(() => c.received.length === 4)).toBe(true);
      // 150 ms up and 150 ms down.
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
      expect(c.received).toBe('abcd');
      proxy.setDelay(0);
      c.write('e'); // may not overtake the delayed ones
      expect(await until(() => c.received === 'abcde')).toBe(true);
    }));

  it('stalls: nothing passes and nothing closes, until resumed', () =>
    withClient(async (proxy, c) => {
      proxy.stall();
      c.write('held');
      await new Promise((r) => setTimeout(r, 200));
      expect(c.received).toBe('');
      expect(c.destroyed).toBe(false);
      proxy.resume();
      expect(await until(() => c.received === 'held')).toBe(true);
    }));

  it('drops connections with a FIN, and resets them with an RST', async () => {
    const t = await setup();
    const c1 = await t.connect();
    const ended = new Promise((r) => c1.once('end', r));
    await until(() => t.proxy.connections === 1);
    t.proxy.drop();
    await ended;

    const c2 = await t.connect();
    const err = new Promise<NodeJS.ErrnoException>((r) => c2.once('error', r));
    await until(() => t.proxy.connections === 1);
    t.proxy.reset();
    expect((await err).code).toBe('ECONNRESET');
    await t.close();
  });

  it('refuses new connections when told to, and accepts them again after', async () => {
    const t = await setup();
    t.proxy.refuse(true);
    const c = net.connect(t.proxy.port, '127.0.0.1');
    const closed = await new Promise<boolean>((r) => {
      c.once('error', () => r(true));
      c.once('close', () => r(true));
    });
    expect(closed).toBe(true);
    t.proxy.refuse(false);
    const ok = await t.connect();
    ok.write('x');
    expect(await until(() => ok.received === 'x')).toBe(true);
    ok.destroy();
    await t.close();
  });
});
