import { acquireMedia } from './session';

const stream = (kinds: string[]) => ({ getTracks: () => kinds.map((kind) => ({ kind })) }) as unknown as MediaStream;

describe('acquireMedia: a call without video is still a call', () => {
  it('asks for camera and microphone first', async () => {
    const asked: MediaStreamConstraints[] = [];
    const r = await acquireMedia(async (c) => {
      asked.push(c);
      return stream(['audio', 'video']);
    });
    expect(r).toMatchObject({ video: true, audio: true });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.video).toBeTruthy();
  });

  it('falls back to the microphone alone when the camera fails', async () => {
    const asked: MediaStreamConstraints[] = [];
    const r = await acquireMedia(async (c) => {
      asked.push(c);
      if (c.video) throw Object.assign(new Error('camera busy'), { name: 'NotReadableError' });
      return stream(['audio']);
    });
    expect(r).toMatchObject({ video: false, audio: true });
    expect(asked.map((c) => Boolean(c.video))).toEqual([true, false]);
  });

  it('goes on without local media when nothing works (the resident still hears and sees the shop)', async () => {
    const r = await acquireMedia(async () => {
      throw new Error('no devices');
    });
    expect(r).toEqual({ stream: null, video: false, audio: false });
  });
});
