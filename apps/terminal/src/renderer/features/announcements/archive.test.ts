import 'fake-indexeddb/auto';
import { AnnouncementArchive, clipKey } from './archive';
import { CLIP_FETCH_AFTER_MS, CLIP_FETCH_SPREAD_MS, ClipSource } from './clips';
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

  it('fetches the clip soon after the text, at a random moment of the spread, and only once', async () => {
    const archive = await open();
    const requests: string[] = [];
    // Delays are the test's to end: each is noted and waits until released.
    const delays: { ms: number; release: () => void }[] = [];
    let draw = 0.5;
    const clips = new ClipSource(
      { hubBase: 'http://hub/', credential: 'tsd_x' },
      archive,
      (async (url: string) => {
        requests.push(url);
        return new Response(new Blob(['OggS clip']), { status: 200 });
      }) as unknown as typeof fetch,
      {
        random: () => draw,
        delay: (ms) => new Promise<void>((release) => delays.push({ ms, release })),
      },
    );
    const settle = () => new Promise((r) => setTimeout(r, 0));
    const done = clips.prefetchSoon(ann(11), 'ja');
    await settle();
    // The moment is drawn from the spread that starts a little after the text's arrival; nothing is asked before it.
    expect(delays.map((d) => d.ms)).toEqual([CLIP_FETCH_AFTER_MS + CLIP_FETCH_SPREAD_MS / 2]);
    expect(requests).toEqual([]);
    delays[0]!.release();
    await done;
    expect(requests).toEqual(['http://hub/api/announcements/11/speech?lang=ja']);

    draw = 0.999;
    const late = clips.prefetchSoon(ann(12), 'ja');
    await settle();
    expect(delays[1]!.ms).toBe(CLIP_FETCH_AFTER_MS + Math.floor(0.999 * CLIP_FETCH_SPREAD_MS));
    // Asked for sooner (an emergency's reading when its alarm ends): fetched then, and only once.
    expect(await clips.url(ann(12), 'ja')).toMatch(/^blob:/);
    expect(requests).toHaveLength(2);
    delays[1]!.release();
    await late;
    expect(requests).toEqual([
      'http://hub/api/announcements/11/speech?lang=ja',
      'http://hub/api/announcements/12/speech?lang=ja',
    ]);
  });

  it('keeps only a whole Ogg clip: an error page or an empty answer leaves the terminal its own speech', async () => {
    const archive = await open();
    const answers: Response[] = [
      new Response('<html>502 Bad Gateway</html>', { status: 200, headers: { 'content-type': 'text/html' } }),
      new Response(new Blob([]), { status: 200 }),
      new Response('{"error":{"code":"not_found"}}', { status: 404 }),
      new Response(new Blob(['OggS clip']), { status: 200 }),
    ];
    const clips = new ClipSource(
      { hubBase: 'http://hub/', credential: 'tsd_x' },
      archive,
      (async () => answers.shift()!) as unknown as typeof fetch,
    );
    for (let i = 0; i < 3; i++) expect(await clips.url(ann(13), 'ja')).toBeNull();
    expect(await archive.clip(clipKey(ann(13), 'ja'))).toBeNull();
    expect(await clips.url(ann(13), 'ja')).toMatch(/^blob:/);
    expect(await (await archive.clip(clipKey(ann(13), 'ja')))!.text()).toBe('OggS clip');
    // City hall's own recording may be any audio type: not held to Ogg, but not kept empty either.
    const recordings = [
      new Response(new Blob([]), { status: 200 }),
      new Response(new Blob(['ID3 mp3']), { status: 200 }),
    ];
    const recording = new ClipSource(
      { hubBase: 'http://hub/', credential: 'tsd_x' },
      archive,
      (async () => recordings.shift()!) as unknown as typeof fetch,
    );
    expect(await recording.url(ann(14, { hasAudio: true }), 'ja')).toBeNull();
    expect(await recording.url(ann(14, { hasAudio: true }), 'ja')).toMatch(/^blob:/);
  });
});
