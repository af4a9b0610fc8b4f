/**
 * One WebRTC call between a terminal and a console, over simple-peer, with signals carried by the
 * hub (`call:signal`). Works in the browser and in Node (pass `wrtc` from @roamhq/wrtc there).
 *
 * Recovery without anyone pressing anything:
 *  - ICE "disconnected" for `restartAfterMs` → the initiator restarts ICE (a new offer with
 *    iceRestart); simple-peer 9 has no restartIce() of its own, so we set `offerOptions.iceRestart`
 *    and call `negotiate()`;
 *  - the peer fails outright (simple-peer destroys it on ICE "failed") → a new peer is built with
 *    the same media, under a new `generation`, so late signals for the old peer are ignored.
 */
import type { Ack, CallSignal, PeerSignal, SignalDelivered } from '@tsunagu/protocol';
import type SimplePeerType from 'simple-peer';

export type PeerConstructor = new (opts: SimplePeerType.Options) => SimplePeerType.Instance;

export interface SignallingTransport {
  send(message: CallSignal): Promise<void>;
  /** Subscribes to signals for any call; returns an unsubscribe function. */
  onSignal(handler: (message: CallSignal) => void): () => void;
}

/**
 * What the transport needs of a socket to the hub: `call:signal` both ways, as the protocol's event
 * table has it on the terminal and the staff namespace alike (either namespace's typed socket fits).
 */
export interface SignalSocket {
  emit(event: 'call:signal', message: CallSignal, ack: (r: Ack<SignalDelivered>) => void): unknown;
  on(event: 'call:signal', fn: (message: CallSignal) => void): unknown;
  off(event: 'call:signal', fn: (message: CallSignal) => void): unknown;
}

/** Signals over a Socket.IO client connected to the hub (terminal or staff namespace). */
export function socketTransport(socket: SignalSocket, timeoutMs = 10_000): SignallingTransport {
  return {
    send: (message) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('signal not acknowledged')), timeoutMs);
        socket.emit('call:signal', message, (r) => {
          clearTimeout(timer);
          if (r.ok) resolve();
          else reject(Object.assign(new Error(r.error.message), { code: r.error.code }));
        });
      }),
    onSignal(handler) {
      const fn = (m: CallSignal) => handler(m);
      socket.on('call:signal', fn);
      return () => socket.off('call:signal', fn);
    },
  };
}

export type CallState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface CallSessionOptions {
  callId: number;
  /** The console is the initiator; the terminal answers. */
  initiator: boolean;
  transport: SignallingTransport;
  Peer: PeerConstructor;
  iceServers?: RTCIceServer[];
  stream?: MediaStream | null;
  /** Node only: the WebRTC implementation (`require('@roamhq/wrtc')`). */
  wrtc?: unknown;
  /** How long ICE may stay "disconnected" before it is restarted. */
  restartAfterMs?: number;
  /** At most this many peer rebuilds per call. */
  maxRebuilds?: number;
  /** The first peer's generation (the hub's, when a console tab takes over a call or starts a new peer). */
  generation?: number;
}

type Listener = (...args: never[]) => void;

export class CallSession {
  state: CallState = 'connecting';
  generation = 0;
  /** How many ICE restarts and peer rebuilds happened (for tests and the console's call quality). */
  readonly recoveries = { iceRestarts: 0, rebuilds: 0 };
  private peer: SimplePeerType.Instance | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly unsubscribe: () => void;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private remoteStream: MediaStream | null = null;

  constructor(private readonly opts: CallSessionOptions) {
    this.generation = opts.generation ?? 0;
    this.unsubscribe = opts.transport.onSignal((m) => this.onSignal(m));
    this.build();
  }

  on(event: 'state', fn: (s: CallState) => void): this;
  on(event: 'stream', fn: (s: MediaStream) => void): this;
  on(event: 'track', fn: (t: MediaStreamTrack, s: MediaStream) => void): this;
  on(event: 'data', fn: (d: string) => void): this;
  on(event: 'error', fn: (e: Error) => void): this;
  on(event: string, fn: Listener): this {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(fn);
    return this;
  }

  private emit(event: string, ...args: unknown[]) {
    for (const fn of this.listeners.get(event) ?? []) (fn as (...a: unknown[]) => void)(...args);
  }

  private setState(s: CallState) {
    if (this.state === s) return;
    this.state = s;
    this.emit('state', s);
  }

  get stream(): MediaStream | null {
    return this.remoteStream;
  }

  /** Sends text over the data channel (e.g. "show me the order"); false when not connected. */
  send(data: string): boolean {
    if (!this.peer?.connected || this.state !== 'connected') return false;
    try {
      this.peer.send(data);
      return true;
    } catch {
      // The channel closed between the check and the send (the peer failing): as not connected.
      return false;
    }
  }

  /** Restarts ICE on the current peer (the initiator makes a new offer with iceRestart). */
  restartIce(): void {
    const peer = this.peer as (SimplePeerType.Instance & { offerOptions?: RTCOfferOptions; negotiate(): void }) | null;
    if (!peer || this.state === 'closed') return;
    this.recoveries.iceRestarts += 1;
    if (this.opts.initiator) {
      peer.offerOptions = { ...(peer.offerOptions ?? {}), iceRestart: true };
      peer.negotiate();
    } else {
      // Ask the initiator to renegotiate; it restarts ICE on its side.
      peer.negotiate();
    }
  }

  close(): void {
    if (this.state === 'closed') return;
    this.setState('closed');
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.unsubscribe();
    this.peer?.destroy();
    this.peer = null;
  }

  private build() {
    const peer = new this.opts.Peer({
      initiator: this.opts.initiator,
      trickle: true,
      stream: this.opts.stream ?? undefined,
      config: { iceServers: this.opts.iceServers ?? [] },
      wrtc: this.opts.wrtc as SimplePeerType.Options['wrtc'],
    });
    const generation = this.generation;
    const current = () => this.peer === peer && this.state !== 'closed';
    this.peer = peer;
    peer.on('signal', (signal: PeerSignal) => {
      if (!current()) return;
      this.opts.transport
        .send({ callId: this.opts.callId, generation, signal })
        .catch((err: Error) => this.emit('error', err));
    });
    peer.on('connect', () => {
      if (current()) this.setState('connected');
    });
    peer.on('data', (d: Uint8Array | string) => {
      if (current()) this.emit('data', typeof d === 'string' ? d : new TextDecoder().decode(d));
    });
    peer.on('stream', (s: MediaStream) => {
      if (!current()) return;
      this.remoteStream = s;
      this.emit('stream', s);
    });
    peer.on('track', (t: MediaStreamTrack, s: MediaStream) => {
      if (current()) this.emit('track', t, s);
    });
    peer.on('iceStateChange', (ice: string) => {
      if (!current()) return;
      if (ice === 'disconnected') {
        this.setState('reconnecting');
        if (this.restartTimer) clearTimeout(this.restartTimer);
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          if (current() && this.opts.initiator && this.state === 'reconnecting') this.restartIce();
        }, this.opts.restartAfterMs ?? 2000);
      } else if (ice === 'connected' || ice === 'completed') {
        if (this.restartTimer) clearTimeout(this.restartTimer);
        this.restartTimer = null;
        // Back after an ICE restart. A rebuilt peer's ICE connects before its data channel opens:
        // it is connected at its 'connect' (sending before then threw InvalidStateError).
        if (this.state === 'reconnecting' && peer.connected) this.setState('connected');
      }
    });
    peer.on('error', (err: Error) => {
      if (current()) this.emit('error', err);
    });
    peer.on('close', () => {
      if (!current()) return;
      // The peer died (ICE failed) while the call is still on: build a new one with the same media.
      if (this.recoveries.rebuilds >= (this.opts.maxRebuilds ?? 5)) {
        this.close();
        return;
      }
      this.setState('reconnecting');
      if (this.opts.initiator) this.rebuild(this.generation + 1);
    });
  }

  private rebuild(generation: number) {
    this.recoveries.rebuilds += 1;
    const old = this.peer;
    this.peer = null;
    old?.destroy();
    this.generation = generation;
    this.build();
  }

  private onSignal(m: CallSignal) {
    if (m.callId !== this.opts.callId || this.state === 'closed') return;
    if (m.generation < this.generation) return; // for a peer that is gone
    if (m.generation > this.generation) {
      if (this.opts.initiator) return; // only the initiator starts a new generation
      this.rebuild(m.generation);
    }
    this.peer?.signal(m.signal as SimplePeerType.SignalData);
  }
}

/**
 * Camera and microphone, or the microphone alone when there is no working camera: a call without
 * video is still a call.
 */
export async function acquireMedia(
  getUserMedia: (c: MediaStreamConstraints) => Promise<MediaStream>,
  video: MediaTrackConstraints | boolean = { width: { ideal: 640 }, height: { ideal: 480 } },
): Promise<{ stream: MediaStream | null; video: boolean; audio: boolean }> {
  try {
    return { stream: await getUserMedia({ audio: true, video }), video: true, audio: true };
  } catch {
    try {
      return { stream: await getUserMedia({ audio: true, video: false }), video: false, audio: true };
    } catch {
      return { stream: null, video: false, audio: false };
    }
  }
}
