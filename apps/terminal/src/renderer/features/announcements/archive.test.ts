import 'fake-indexeddb/auto';
import { AnnouncementArchive, clipKey } from './archive';
import { CLIP_FETCH_SPREAD_MS, CLIP_RECEIPT_WAIT_MS, ClipSource } from './clips';
import { ann } from './test-fixtures';

let n = 0;
const open = async (keep?: number) => (await AnnouncementArchive.open(keep, `test-${n++}`))!;

describe('announcement archive (IndexedDB)', () => {
  it('keeps the newest N announcements across a reopen, with their clips', async () => {
    const name = `test-${n++}`;
    const archive = (await AnnouncementArchive.open(3, name))!;
    await archive.replace([ann(1), ann(2), ann(3), ann(4), ann(5)]);
    expect((await archive.list()).map((a) => a.id)).toEqual([5, 4, 3]);
    await archive.putClip(clipKey(ann(5), 'ja'), 5, new Blob(['OggS']));
    archive.close();
    const again = (await AnnouncementArchive.open(3, name))!;
    expect((await again.list()).map((a) => a.id)).toEqual([5, 4, 3]);
    expect(await (await again.clip('5:1:ja'))!.text()).toBe('OggS');
  });

  it('drops the clips of announcements that left and of versions replaced', async () => {
    const archive = await open();
    await archive.replace([ann(1), ann(2)]);
    await archive.putClip('1:1:ja', 1, new Blob(['a']));
    await archive.putClip('2:1:ja', 2, new Blob(['b']));
    await archive.replace([ann(2, { version: 2 })]);
    expect(await archive.clip('1:1:ja')).toBeNull();
    expect(await archive.clip('2:1:ja')).toBeNull();
    expect((await archive.list())[0]!.version).toBe(2);
  });

  it('fetches the hub clip once with the device credential, keeps it, and plays it offline', async () => {
    const archive = await open();
    const requests: string[] = [];
    const online = new ClipSource({ hubBase: 'http://hub/', credential: 'tsd_x' }, archive, (async (
      url: string,
      init: RequestInit,
    ) => {
      requests.push(`${url} ${(init.headers as Record<string, string>).authorization}`);
      return new Response(new Blob(['OggS clip']), { status: 200 });
    }) as unknown as typeof fetch);
    const url = await online.url(ann(7), 'ja');
    expect(url).toMatch(/^blob:/);
    await online.prefetch(ann(7), 'ja');
    expect(requests).toEqual(['http://hub/api/announcements/7/speech?lang=ja Bearer tsd_x']);
    // English text: the English clip; a recording: the recording.
    await online.url(ann(8, { titleEn: 'x' }), 'en');
    await online.url(ann(9, { hasAudio: true }), 'ja');
    expect(requests.slice(1)).toEqual([
      'http://hub/api/announcements/8/speech?lang=en Bearer tsd_x',
      'http://hub/api/terminal/announcements/9/audio Bearer tsd_x',
    ]);
    const offline = new ClipSource({ hubBase: 'http://hub/', credential: 'tsd_x' }, archive, (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch);
    expect(await offline.url(ann(7), 'ja')).toMatch(/^blob:/);
    expect(await offline.url(ann(10), 'ja')).toBeNull();
    const none = new ClipSource(null, archive);
    expect(await none.url(ann(10), 'ja')).toBeNull();
  });

  it('fetches the clip after the text: once the delivered receipt is stored, at a random moment of the spread', async () => {
    const archive = await open();
    const requests: string[] = [];
    // Delays are the test's to end: each is noted and waits until released.
    const delays: { ms: number; release: () => void }[] = [];
    const clips = new ClipSource(
      { hubBase: 'http://hub/', credential: 'tsd_x' },
      archive,
      (async (url: string) => {
        requests.push(url);
        return new Response(new Blob(['OggS clip']), { status: 200 });
      }) as unknown as typeof fetch,
      {
        random: () => 0.5,
        delay: (ms) => new Promise<void>((release) => delays.push({ ms, release })),
      },
    );
    const settle = () => new Promise((r) => setTimeout(r, 0));
    let stored!: () => void;
    const receipt = new Promise<void>((r) => {
      stored = r;
    });
    const done = clips.prefetchAfter(ann(11), 'ja', receipt);
    await settle();
    // Nothing is asked while the receipt is on its way.
    expect(requests).toEqual([]);
    expect(delays.map((d) => d.ms)).toEqual([CLIP_RECEIPT_WAIT_MS]);
    stored();
    await settle();
    expect(delays.map((d) => d.ms)).toEqual([CLIP_RECEIPT_WAIT_MS, CLIP_FETCH_SPREAD_MS / 2]);
    expect(requests).toEqual([]);
    delays[1]!.release();
    await done;
    expect(requests).toEqual(['http://hub/api/announcements/11/speech?lang=ja']);

    // A receipt the hub never answers holds the clip back CLIP_RECEIPT_WAIT_MS at most.
    const late = clips.prefetchAfter(ann(12), 'ja', new Promise(() => undefined));
    await settle();
    delays[2]!.release();
    await settle();
    // Asked for sooner (an emergency's reading when its alarm ends): fetched then, and only once.
    expect(await clips.url(ann(12), 'ja')).toMatch(/^blob:/);
    expect(requests).toHaveLength(2);
    delays[3]!.release();
    await late;
    expect(requests).toEqual([
      'http://hub/api/announcements/11/speech?lang=ja',
      'http://hub/api/announcements/12/speech?lang=ja',
    ]);
  });
});
