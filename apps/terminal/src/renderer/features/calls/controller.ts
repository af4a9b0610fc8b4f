/**
 * The terminal's side of a call, outside React: asks the hub for a call, follows its place in the
 * queue, answers a call back, runs the WebRTC session (the terminal is never the initiator) and
 * holds the call while an emergency is on screen. After every (re)connect it asks the hub where its
 * call stands (`call:sync`): a reload finds its call again, a call that ended meanwhile says so.
 */
import type { CallSession, CallState } from '@tsunagu/call';
import type { Ack, CallEnded, CallEndReason, CallInfo, QueuePosition, TerminalCallSync } from '@tsunagu/protocol';
import { ackWithTimeout, type TerminalSocket } from '../../connection';

export type CallPhase = 'idle' | 'requesting' | 'waiting' | 'incoming' | 'connected' | 'ended' | 'failed';

export interface CallView {
  phase: CallPhase;
  callId: number | null;
  shopId: number | null;
  shopName: string;
  shopKind: 'shop' | 'listening';
  operatorName: string | null;
  position: QueuePosition | null;
  endReason: CallEndReason | null;
  /** The call ended without the resident ending it: 「電話が切れました」 stays until they tap. */
  showEnded: boolean;
  errorCode: string | null;
  /** An emergency is on screen: microphone, camera and loudspeaker are off until it is over. */
  held: boolean;
  /** Media recovery in progress (ICE restart or new peer). */
  reconnecting: boolean;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  /** The camera could not be used: the call goes on with sound only. */
  audioOnly: boolean;
  volume: number;
}

const IDLE: CallView = {
  phase: 'idle',
  callId: null,
  shopId: null,
  shopName: '',
  shopKind: 'shop',
  operatorName: null,
  position: null,
  endReason: null,
  showEnded: false,
  errorCode: null,
  held: false,
  reconnecting: false,
  localStream: null,
  remoteStream: null,
  audioOnly: false,
  volume: 0.8,
};

export const VOLUME_STEPS = [0.2, 0.4, 0.6, 0.8, 1];

type Listener = () => void;

export class TerminalCallController {
  private view: CallView = IDLE;
  private readonly listeners = new Set<Listener>();
  private socket: TerminalSocket | null = null;
  private session: CallSession | null = null;
  private detach: (() => void) | null = null;
  private heldByEmergency = false;
  /** The call whose media is being started or runs (set before the camera is asked, so once only). */
  private mediaFor: number | null = null;
  /** The call began on the call screen (which then takes the resident home), not as a call back. */
  private fromCallScreen = false;

  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  getSnapshot = (): CallView => this.view;

  private set(patch: Partial<CallView>) {
    this.view = { ...this.view, ...patch };
    for (const l of this.listeners) l();
  }

  /** Binds to the terminal's socket (once per connection). */
  attach(socket: TerminalSocket): () => void {
    this.detach?.();
    this.socket = socket;
    const onQueue = (p: QueuePosition) => {
      if (this.view.callId === p.callId || this.view.phase === 'requesting' || this.view.phase === 'idle') {
        this.set({ phase: 'waiting', callId: p.callId, shopId: p.shopId, position: p });
      }
    };
    const onIncoming = (c: CallInfo) => {
      if (this.view.phase === 'connected' && this.view.callId === c.callId) return;
      this.fromCallScreen = false;
      this.set({
        ...IDLE,
        volume: this.view.volume,
        phase: 'incoming',
        callId: c.callId,
        shopId: c.shopId,
        shopName: c.shopName,
        shopKind: c.shopKind,
        operatorName: c.operatorName,
      });
    };
    const onConnected = (c: CallInfo) => void this.startMedia(c);
    const onEnded = (p: CallEnded) => {
      if (p.callId === this.view.callId) this.finish(p.reason);
    };
    const onSync = (r: TerminalCallSync) => {
      if (r.call?.status === 'connected') onConnected(r.call);
      else if (r.call?.status === 'ringing_terminal') onIncoming(r.call);
      else if (r.position) onQueue(r.position);
      else if (r.ended && (this.view.callId === null || this.view.callId === r.ended.callId)) {
        if (this.view.callId === null) this.set({ callId: r.ended.callId, phase: 'connected' });
        this.finish(r.ended.reason);
      } else if (!r.call && this.view.callId !== null && this.view.phase !== 'ended') this.finish('connection_lost');
    };
    const sync = () =>
      void ackWithTimeout(socket, 'call:sync', {}, 10_000).then((r) => {
        if (r.ok && this.socket === socket) onSync(r.data);
      });
    socket.on('call:queueUpdated', onQueue);
    socket.on('call:incoming', onIncoming);
    socket.on('call:connected', onConnected);
    socket.on('call:ended', onEnded);
    socket.on('connect', sync);
    if (socket.connected) sync();
    this.detach = () => {
      socket.off('call:queueUpdated', onQueue);
      socket.off('call:incoming', onIncoming);
      socket.off('call:connected', onConnected);
      socket.off('call:ended', onEnded);
      socket.off('connect', sync);
    };
    return () => {
      this.detach?.();
      this.detach = null;
    };
  }

  private async command<T>(event: string, payload: unknown): Promise<Ack<T>> {
    if (!this.socket) return { ok: false, error: { code: 'NOT_CONNECTED', message: 'not connected' } };
    // biome-ignore lint/suspicious/noExplicitAny: the event name is one of the protocol's call commands
    return (await ackWithTimeout(this.socket, event as any, payload as any, 10_000)) as Ack<T>;
  }

  async request(shop: { id: number; name: string; kind: 'shop' | 'listening' }): Promise<void> {
    if (this.view.phase === 'waiting' && this.view.shopId === shop.id) return;
    if (this.view.phase === 'connected' || this.view.phase === 'incoming') return;
    this.fromCallScreen = true;
    this.set({
      ...IDLE,
      volume: this.view.volume,
      phase: 'requesting',
      shopId: shop.id,
      shopName: shop.name,
      shopKind: shop.kind,
    });
    const r = await this.command<QueuePosition>('call:request', { shopId: shop.id });
    if (!r.ok) {
      this.set({ phase: 'failed', errorCode: r.error.code });
      return;
    }
    if (this.view.phase === 'requesting' || this.view.phase === 'waiting')
      this.set({ phase: 'waiting', callId: r.data.callId, position: r.data });
  }

  async requestCallback(): Promise<boolean> {
    if (this.view.callId === null) return false;
    const r = await this.command<QueuePosition>('call:requestCallback', { callId: this.view.callId });
    if (r.ok) this.set({ position: r.data });
    return r.ok;
  }

  /** The resident leaves the waiting screen: out of the queue, unless they asked for a callback. */
  async leaveWaiting(): Promise<void> {
    const { callId, position, phase } = this.view;
    if (callId !== null && (phase === 'waiting' || phase === 'requesting') && !position?.callback) {
      await this.command('call:cancel', { callId });
    }
    this.set({ ...IDLE, volume: this.view.volume });
  }

  async accept(): Promise<void> {
    if (this.view.callId === null) return;
    const r = await this.command<CallInfo>('call:accept', { callId: this.view.callId });
    if (!r.ok) this.finish('cancelled');
  }

  async decline(): Promise<void> {
    if (this.view.callId !== null) await this.command('call:decline', { callId: this.view.callId });
    this.finish('declined');
  }

  async hangUp(): Promise<void> {
    if (this.view.callId !== null) await this.command('call:hangUp', { callId: this.view.callId });
    this.finish('hung_up_by_resident');
  }

  /** The operator learns why the resident's picture went black (or that it is back). */
  private tellHold() {
    if (this.view.phase === 'connected' && this.view.callId !== null)
      void this.command('call:hold', { callId: this.view.callId, held: this.heldByEmergency });
  }

  setVolume(volume: number) {
    this.set({ volume: Math.min(1, Math.max(0.2, volume)) });
  }

  /** Called by the emergency layer: everything off, the call kept. */
  holdCall() {
    this.heldByEmergency = true;
    this.applyHold(true);
    this.tellHold();
  }

  resumeCall() {
    this.heldByEmergency = false;
    this.applyHold(false);
    this.tellHold();
  }

  dismissEnded() {
    if (this.view.phase === 'ended' || this.view.phase === 'failed') this.set({ ...IDLE, volume: this.view.volume });
  }

  private applyHold(held: boolean) {
    for (const t of this.view.localStream?.getTracks() ?? []) t.enabled = !held;
    if (this.view.phase === 'connected' || this.view.held !== held) this.set({ held });
  }

  private async startMedia(c: CallInfo) {
    if (!this.socket) return;
    if (this.mediaFor === c.callId) return; // started already (a reconnect, or the hub said it twice)
    this.mediaFor = c.callId;
    this.set({
      phase: 'connected',
      callId: c.callId,
      shopId: c.shopId,
      shopName: c.shopName,
      shopKind: c.shopKind,
      operatorName: c.operatorName,
      position: null,
    });
    const socket = this.socket;
    // The media code (simple-peer) is loaded with the first call, not with the home screen (issue 17).
    const { acquireMedia, BrowserPeer, CallSession, socketTransport } = await import('@tsunagu/call');
    const [media, ice] = await Promise.all([
      acquireMedia((constraints) => navigator.mediaDevices.getUserMedia(constraints)),
      this.command<{ iceServers: RTCIceServer[] }>('call:iceServers', {}),
    ]);
    if (this.view.callId !== c.callId || this.view.phase !== 'connected' || this.mediaFor !== c.callId) {
      for (const t of media.stream?.getTracks() ?? []) t.stop();
      return;
    }
    this.set({ localStream: media.stream, audioOnly: !media.video });
    const session = new CallSession({
      callId: c.callId,
      initiator: false,
      transport: socketTransport(socket),
      Peer: BrowserPeer,
      iceServers: ice.ok ? ice.data.iceServers : [],
      stream: media.stream,
    });
    this.session = session;
    session.on('stream', (s) => this.set({ remoteStream: s }));
    session.on('state', (s: CallState) => this.set({ reconnecting: s === 'reconnecting' }));
    session.on('error', () => undefined);
    if (this.heldByEmergency) this.applyHold(true);
    // Listening now: the operator's console makes its offer (a new one, after a reload).
    void this.command('call:ready', { callId: c.callId });
    if (this.heldByEmergency) this.tellHold();
  }

  private finish(reason: CallEndReason) {
    this.session?.close();
    this.session = null;
    this.mediaFor = null;
    for (const t of this.view.localStream?.getTracks() ?? []) t.stop();
    // A call the resident did not end (the other side hung up, the line was lost) says so on screen.
    const byResident = reason === 'hung_up_by_resident' || reason === 'declined' || reason === 'cancelled';
    const showEnded = !byResident && (this.view.phase === 'connected' || this.view.phase === 'incoming');
    const toCallScreen = this.view.phase !== 'idle' && this.fromCallScreen;
    this.set({
      phase: toCallScreen || showEnded ? 'ended' : 'idle',
      showEnded,
      endReason: reason,
      localStream: null,
      remoteStream: null,
      held: false,
      reconnecting: false,
    });
  }
}

export const calls = new TerminalCallController();

/** For the emergency screen (and anything else that must silence a call): hold and resume. */
export const holdCall = () => calls.holdCall();
export const resumeCall = () => calls.resumeCall();
