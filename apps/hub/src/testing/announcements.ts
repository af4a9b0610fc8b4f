/** A terminal client for announcement tests that records every announcement event it gets. */
import { PROTOCOL_VERSION, TERMINAL_NAMESPACE, type TerminalAnnouncement } from '@tsunagu/protocol';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { NewAnnouncement } from '../modules/announcements/store';
import { connectSocket } from './harness';

/** A WAV file's first bytes, then `fill` bytes of value `byte`: enough for the hub's check of a recording. */
export const testWav = (fill = 64, byte = 1) =>
  Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt '), Buffer.alloc(fill, byte)]);

/** The multipart form city hall uploads a recording with (POST /api/announcements/audio). */
export function recordingForm(data: Buffer, filename = 'a.wav', type = 'audio/wav') {
  const boundary = '----tsunagu';
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
      ),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}

/** An announcement as stored before it is sent ('scheduled', no send time: to go out now), with `over`. */
export const draftAnnouncement = (over: Partial<NewAnnouncement> = {}): NewAnnouncement => ({
  kind: 'emergency',
  test: false,
  titleJa: '避難指示',
  bodyJa: '高台へ',
  titleEn: null,
  bodyEn: null,
  audioId: null,
  audioMime: null,
  safetyCheck: true,
  target: { type: 'all' },
  status: 'scheduled',
  sendAt: null,
  expiresAt: null,
  source: 'console',
  capCategory: null,
  createdBy: 'user:1:cityhall',
  approvedBy: null,
  createdAt: 1000,
  ...over,
});

export interface Received {
  event: string;
  payload: unknown;
}
export interface Terminal {
  socket: Socket;
  events: Received[];
  published(): TerminalAnnouncement[];
  sync(): TerminalAnnouncement[] | undefined;
  waitFor(pred: (events: Received[]) => boolean, what: string, ms?: number): Promise<void>;
  close(): void;
}

/** A terminal client that records every announcement event from the moment it connects. */
export async function terminal(url: string, credential: string): Promise<Terminal> {
  const socket = ioClient(`${url}${TERMINAL_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    auth: { credential, protocolVersion: PROTOCOL_VERSION },
  });
  const events: Received[] = [];
  socket.onAny((event: string, payload: unknown) => {
    if (event.startsWith('announcement:')) events.push({ event, payload });
  });
  socket.connect();
  await connectSocket(socket);
  const t: Terminal = {
    socket,
    events,
    published: () =>
      events.filter((e) => e.event === 'announcement:published').map((e) => e.payload as TerminalAnnouncement),
    sync: () =>
      (
        events.find((e) => e.event === 'announcement:sync')?.payload as
          | { announcements: TerminalAnnouncement[] }
          | undefined
      )?.announcements,
    async waitFor(pred, what, ms = 3000) {
      const until = Date.now() + ms;
      while (!pred(events)) {
        if (Date.now() > until)
          throw new Error(`terminal did not receive ${what}; got ${JSON.stringify(events.map((e) => e.event))}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    close: () => void socket.close(),
  };
  await t.waitFor((e) => e.some((x) => x.event === 'announcement:sync'), 'the sync list');
  return t;
}

export const publishedId = (id: number) => (events: Received[]) =>
  events.some((e) => e.event === 'announcement:published' && (e.payload as { id: number }).id === id);
