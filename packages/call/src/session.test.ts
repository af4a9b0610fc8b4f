/**
 * A call's state across a rebuilt peer, with a stand-in for simple-peer (the real one is in
 * tests/integration/call-webrtc.test.ts): a rebuilt peer's ICE connects before its data channel
 * opens, and the call is connected only once the channel is (a send before then threw).
 */
import type { CallSignal } from '@tsunagu/protocol';
import { CallSession, type CallSessionOptions, type PeerConstructor, type SignallingTransport } from './session';

class FakePeer {
  static made: FakePeer[] = [];
  connected = false;
  destroyed = false;
  sent: string[] = [];
  private handlers = new Map<string, ((...args: unknown[]) => void)[]>();
  constructor() {
    FakePeer.made.push(this);
  }
  on(event: string, fn: (...args: unknown[]) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
  send(data: string) {
    if (!this.connected)
      throw Object.assign(new Error("RTCDataChannel.readyState is not 'open'"), { name: 'InvalidStateError' });
    this.sent.push(data);
  }
  signal() {}
  destroy() {
    this.destroyed = true;
    this.connected = false;
  }
  /** ICE connected and the data channel open, as simple-peer says it. */
  open() {
    this.connected = true;
    this.fire('iceStateChange', 'connected', 'connected');
    this.fire('connect');
  }
}

const transport: SignallingTransport = {
  send: async (_m: CallSignal) => undefined,
  onSignal: () => () => undefined,
};

/** The console's side of a call (the initiator), on stand-in peers. */
const start = (extra: Partial<CallSessionOptions> = {}) =>
  new CallSession({ callId: 1, initiator: true, transport, Peer: FakePeer as unknown as PeerConstructor, ...extra });

describe('CallSession across a rebuilt peer', () => {
  beforeEach(() => {
    FakePeer.made = [];
  });

  it('is connected again only when the new peer’s data channel is open, and never throws on send', () => {
    const session = start();
    const states: string[] = [];
    session.on('state', (s) => states.push(s));
    const first = FakePeer.made[0]!;
    first.open();
    expect(session.state).toBe('connected');
    expect(session.send('a')).toBe(true);

    // The peer fails: a new one is built under generation 1.
    first.destroy();
    first.fire('close');
    expect(session.state).toBe('reconnecting');
    expect(session.generation).toBe(1);
    const second = FakePeer.made[1]!;
    // Its ICE connects first; its data channel is not open yet.
    second.fire('iceStateChange', 'connected', 'connected');
    expect(session.state).toBe('reconnecting');
    expect(session.send('b')).toBe(false);
    second.open();
    expect(session.state).toBe('connected');
    expect(session.send('c')).toBe(true);
    expect(second.sent).toEqual(['c']);

    // The channel closing under a send: false, not an exception.
    second.connected = false;
    expect(session.send('d')).toBe(false);
    expect(states).toEqual(['connected', 'reconnecting', 'connected']);
    session.close();
  });

  it('comes back to connected after an ICE restart on the same peer (its channel stayed open)', () => {
    const session = start({ restartAfterMs: 60_000 });
    const peer = FakePeer.made[0]!;
    peer.open();
    peer.fire('iceStateChange', 'disconnected', 'connected');
    expect(session.state).toBe('reconnecting');
    peer.fire('iceStateChange', 'connected', 'connected');
    expect(session.state).toBe('connected');
    expect(session.send('x')).toBe(true);
    session.close();
  });
});
