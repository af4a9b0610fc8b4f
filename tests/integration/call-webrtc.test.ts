/**
 * packages/call against the real hub (so it lives here: a package never imports an app).
 * A real WebRTC session in Node (@roamhq/wrtc + simple-peer) between a virtual terminal and a
 * virtual operator, with signals carried only by the hub.
 */
import { CallSession, type PeerConstructor, socketTransport } from '@tsunagu/call';
import SimplePeer from 'simple-peer';
import { connectCall, createTestHub, emitAck, type TestHub } from '../../apps/hub/src/testing/harness';

// biome-ignore lint/suspicious/noExplicitAny: native module without types
const wrtc: any = require('@roamhq/wrtc');
const Peer = SimplePeer as unknown as PeerConstructor;

/** Waits still under way, cleared after each test: a test that failed first must not leave one to fail a later suite. */
const waiting = new Set<ReturnType<typeof setTimeout>>();
function waitFor<T>(register: (resolve: (v: T) => void) => void, ms = 15_000, what = 'event'): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      waiting.delete(t);
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    waiting.add(t);
    register((v) => {
      clearTimeout(t);
      waiting.delete(t);
      resolve(v);
    });
  });
}

describe('a real WebRTC call through the hub’s signalling', () => {
  let hub: TestHub;
  const sessions: CallSession[] = [];
  afterEach(async () => {
    for (const t of waiting) clearTimeout(t);
    waiting.clear();
    for (const s of sessions.splice(0)) s.close();
    await hub?.close();
  });

  async function setUpCall() {
    hub = await createTestHub();
    const terminal = await hub.terminal(0);
    const operator = await hub.staff('operator');
    const { callId } = await connectCall(terminal, operator, hub.fixture.shopId);
    const ice = await emitAck<{ ok: true; data: { iceServers: RTCIceServer[] } }>(terminal, 'call:iceServers', {});
    return { terminal, operator, callId, iceServers: ice.data.iceServers };
  }

  it('connects, exchanges data both ways and a video track with real frames, and survives an ICE restart', async () => {
    const { terminal, operator, callId, iceServers } = await setUpCall();
    // The operator sends a synthetic video track (RTCVideoSource), so media really flows.
    const source = new wrtc.nonstandard.RTCVideoSource();
    const track = source.createTrack();
    const stream = new wrtc.MediaStream([track]);
    const width = 320;
    const height = 240;
    const frame = { width, height, data: new Uint8ClampedArray(width * height * 1.5).fill(128) };
    const pump = setInterval(() => source.onFrame(frame), 50);

    const opSession = new CallSession({
      callId,
      initiator: true,
      transport: socketTransport(operator),
      Peer,
      wrtc,
      iceServers,
      stream,
      restartAfterMs: 200,
    });
    const termSession = new CallSession({
      callId,
      initiator: false,
      transport: socketTransport(terminal),
      Peer,
      wrtc,
      iceServers,
    });
    sessions.push(opSession, termSession);
    try {
      const remoteTrack = waitFor<MediaStreamTrack>(
        (r) => termSession.on('track', (t) => r(t)),
        15_000,
        'remote track',
      );
      await Promise.all([
        waitFor<void>((r) => opSession.on('state', (s) => s === 'connected' && r())),
        waitFor<void>((r) => termSession.on('state', (s) => s === 'connected' && r())),
      ]);
      const atOperator = waitFor<string>((r) => opSession.on('data', r), 10_000, 'data at operator');
      expect(termSession.send('はい、牛乳を2本ください')).toBe(true);
      expect(await atOperator).toBe('はい、牛乳を2本ください');
      const atTerminal = waitFor<string>((r) => termSession.on('data', r), 10_000, 'data at terminal');
      opSession.send('かしこまりました');
      expect(await atTerminal).toBe('かしこまりました');

      const t = await remoteTrack;
      expect(t.kind).toBe('video');
      // Frames really arrive: a sink on the received track sees them.
      const sink = new wrtc.nonstandard.RTCVideoSink(t);
      const got = await waitFor<{ frame: { width: number; height: number } }>(
        (r) => (sink.onframe = r),
        15_000,
        'video frame',
      );
      sink.stop();
      expect(got.frame.width).toBe(width);

      // A network blip: ICE restarts (new offer with iceRestart through the hub) and data still flows.
      opSession.restartIce();
      await new Promise((r) => setTimeout(r, 1500));
      expect(opSession.recoveries.iceRestarts).toBe(1);
      const after = waitFor<string>((r) => opSession.on('data', r), 10_000, 'data after ICE restart');
      termSession.send('まだ聞こえますか');
      expect(await after).toBe('まだ聞こえますか');
      expect(opSession.state).toBe('connected');
    } finally {
      clearInterval(pump);
      track.stop();
    }
  }, 45_000);

  it('rebuilds the peer under a new generation when it fails, and ignores signals for the old one', async () => {
    const { terminal, operator, callId } = await setUpCall();
    const opSession = new CallSession({ callId, initiator: true, transport: socketTransport(operator), Peer, wrtc });
    const termSession = new CallSession({ callId, initiator: false, transport: socketTransport(terminal), Peer, wrtc });
    sessions.push(opSession, termSession);
    await waitFor<void>((r) => termSession.on('state', (s) => s === 'connected' && r()));
    // Kill the operator's peer connection as ICE failure would.
    // biome-ignore lint/suspicious/noExplicitAny: reaching into simple-peer to simulate a failure
    (opSession as any).peer.destroy();
    await waitFor<void>(
      (r) => {
        const check = setInterval(() => {
          if (
            opSession.generation === 1 &&
            termSession.generation === 1 &&
            opSession.state === 'connected' &&
            termSession.state === 'connected'
          ) {
            clearInterval(check);
            r();
          }
        }, 50);
      },
      20_000,
      'rebuilt connection',
    );
    expect(opSession.recoveries.rebuilds).toBe(1);
    const got = waitFor<string>((r) => termSession.on('data', r));
    opSession.send('もしもし');
    expect(await got).toBe('もしもし');
  }, 45_000);

  it('the hub refuses signals from someone who is not a party to the call', async () => {
    const { callId } = await setUpCall();
    const stranger = await hub.terminal(1);
    const transport = socketTransport(stranger);
    await expect(
      transport.send({ callId, generation: 0, signal: { type: 'offer', sdp: 'v=0' } }),
    ).rejects.toMatchObject({ code: 'NOT_CALL_PARTY' });
  });
});
