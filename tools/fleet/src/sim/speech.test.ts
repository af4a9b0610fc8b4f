// The fleet's clip fetch models the terminal's: the same schedule (soon after the text, at a random
// moment of the same spread, not waiting for the receipt) and the same check of the bytes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import { CLIP_FETCH_AFTER_MS, CLIP_FETCH_SPREAD_MS, clipHooks, getBytes } from './speech';
import type { VirtualTerminal } from './terminal';

describe('the fleet fetches clips as the terminal does', () => {
  test('on the terminal’s schedule: within the spread after the text, without waiting for the receipt', () => {
    // Loaded at run time: the terminal app is another TypeScript project.
    const terminal = require(
      path.resolve(__dirname, '../../../../apps/terminal/src/renderer/features/announcements/clips'),
    ) as { CLIP_FETCH_AFTER_MS: number; CLIP_FETCH_SPREAD_MS: number };
    expect([CLIP_FETCH_AFTER_MS, CLIP_FETCH_SPREAD_MS]).toEqual([
      terminal.CLIP_FETCH_AFTER_MS,
      terminal.CLIP_FETCH_SPREAD_MS,
    ]);

    jest.useFakeTimers();
    try {
      const fetched: number[] = [];
      const seen: number[] = [];
      const hooks = clipHooks(
        (_term, a) => fetched.push(a.id),
        { announcement: (_term, a) => seen.push(a.id) },
        () => 0.5,
      );
      const term = { identity: { terminalId: 't1' } } as unknown as VirtualTerminal;
      hooks.announcement?.(term, { id: 7 } as TerminalAnnouncement, 0, 'live');
      expect(seen).toEqual([7]);
      jest.advanceTimersByTime(CLIP_FETCH_AFTER_MS + CLIP_FETCH_SPREAD_MS / 2 - 1);
      expect(fetched).toEqual([]);
      // No receipt has been stored (none was even sent): the clip is asked for all the same.
      jest.advanceTimersByTime(1);
      expect(fetched).toEqual([7]);
      jest.advanceTimersByTime(10 * CLIP_FETCH_SPREAD_MS);
      expect(fetched).toEqual([7]);
    } finally {
      jest.useRealTimers();
    }
  });

  test('a clip counts only when all its bytes came and they are an Ogg stream', async () => {
    const ogg = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(100_000, 1)]);
    const server = http.createServer((req, res) => {
      if (req.url === '/ogg') return res.writeHead(200, { 'content-length': ogg.length }).end(ogg);
      if (req.url === '/html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>502</html>');
      if (req.url === '/empty') return res.writeHead(200, { 'content-length': 0 }).end();
      if (req.url === '/cut') {
        // Says all of it is coming, sends half, and hangs up.
        res.writeHead(200, { 'content-length': ogg.length });
        res.write(ogg.subarray(0, ogg.length / 2), () => res.destroy());
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = new http.Agent({ keepAlive: false });
    try {
      expect(await getBytes(base, '/ogg', null, agent)).toEqual({ status: 200, bytes: ogg.length, clip: true });
      for (const p of ['/html', '/empty', '/cut', '/missing'])
        expect({ p, clip: (await getBytes(base, p, null, agent)).clip }).toEqual({ p, clip: false });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
