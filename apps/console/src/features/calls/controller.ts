/**
 * The operator's side of calls, outside React so a call survives moving between console pages:
 * availability, ringing, answering, and the WebRTC session (the console is the initiator).
 */
import { acquireMedia, BrowserPeer, CallSession, socketTransport } from '@tsunagu/call';
import type { CallEndReason, CallInfo, IceServersResponse, OperatorState } from '@tsunagu/protocol';
import { emitAck, type StaffSocket } from '../../api/socket';

export interface ConsoleCallView {
  me: OperatorState | null;
  ringing: (CallInfo & { ringTimeoutSeconds: number }) | null;
  call: CallInfo | null;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  audioOnly: boolean;
  reconnecting: boolean;
  lastEnded: { callId: number; reason: CallEndReason } | null;
  error: string | null;
}

const EMPTY: ConsoleCallView = {
  me: null,
  ringing: null,
  call: null,
  localStream: null,
  remoteStream: null,
  audioOnly: false,
  reconnecting: false,
  lastEnded: null,
  error: null,
};

export class ConsoleCallController {
  private view: ConsoleCallView = EMPTY;
  private readonly listeners = new Set<() => void>();
  private socket: StaffSocket | null = null;
  private session: CallSession | null = null;
  private myId: number | null = null;

  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getSnapshot = () => this.view;

  private set(p: Partial<ConsoleCallView>) {
    this.view = { ...this.view, ...p };
    for (const l of this.listeners) l();
  }

  attach(socket: StaffSocket, myId: number) {
    if (this.socket === socket) return;
    this.socket = socket;
    this.myId = myId;
    socket.on('call:ringing', (r) => this.set({ ringing: r }));
    socket.on('call:ringCancelled', (p) => {
      if (this.view.ringing?.callId === p.callId) this.set({ ringing: null });
    });
    socket.on('call:operatorChanged', (s) => {
      if (s.operatorId === this.myId) this.set({ me: s });
    });
    socket.on('call:connected', (c) => void this.startMedia(c));
    socket.on('call:ended', (p) => {
      if (this.view.call?.callId === p.callId) this.finish(p);
    });
  }

  async setAvailability(availability: 'available' | 'away') {
    if (!this.socket) return;
    try {
      this.set({
        me: await emitAck(this.socket, 'call:setAvailability', { availability }),
        error: null,
      });
    } catch (e) {
      this.set({ error: (e as Error).message });
    }
  }

  async endAfterCallWork() {
    if (!this.socket) return;
    this.set({ me: await emitAck(this.socket, 'call:endAfterCallWork', {}) });
  }

  async answer() {
    const r = this.view.ringing;
    if (!this.socket || !r) return;
    try {
      const info = await emitAck(this.socket, 'call:answer', { callId: r.callId });
      this.set({ ringing: null, call: info, lastEnded: null, error: null });
    } catch (e) {
      this.set({ ringing: null, error: (e as Error).message });
    }
  }

  async decline() {
    const r = this.view.ringing;
    if (!this.socket || !r) return;
    this.set({ ringing: null });
    await emitAck(this.socket, 'call:decline', { callId: r.callId }).catch(() => undefined);
  }

  async callBack(body: { householdId: number; callbackOf?: number; orderId?: number }) {
    if (!this.socket) return;
    try {
      const info = await emitAck(this.socket, 'call:callBack', body);
      this.set({ call: info, lastEnded: null, error: null });
    } catch (e) {
      this.set({ error: (e as Error).message });
    }
  }

  async hangUp() {
    const c = this.view.call;
    if (!this.socket || !c) return;
    await emitAck(this.socket, 'call:hangUp', { callId: c.callId }).catch(() => undefined);
    this.finish({ callId: c.callId, reason: 'hung_up_by_operator' });
  }

  private async startMedia(c: CallInfo) {
    if (!this.socket || c.operatorId !== this.myId) return;
    if (this.session && this.view.call?.callId === c.callId) return;
    this.set({ call: c });
    const socket = this.socket;
    const [media, ice] = await Promise.all([
      acquireMedia((constraints) => navigator.mediaDevices.getUserMedia(constraints)),
      emitAck(socket, 'call:iceServers', {}).catch((): IceServersResponse => ({ iceServers: [], ttlSeconds: null })),
    ]);
    if (this.view.call?.callId !== c.callId) {
      for (const t of media.stream?.getTracks() ?? []) t.stop();
      return;
    }
    this.set({ localStream: media.stream, audioOnly: !media.video });
    const session = new CallSession({
      callId: c.callId,
      initiator: true,
      transport: socketTransport(socket),
      Peer: BrowserPeer,
      iceServers: ice.iceServers,
      stream: media.stream,
    });
    this.session = session;
    session.on('stream', (s) => this.set({ remoteStream: s }));
    session.on('state', (s) => this.set({ reconnecting: s === 'reconnecting' }));
    session.on('error', () => undefined);
  }

  private finish(ended: { callId: number; reason: CallEndReason }) {
    this.session?.close();
    this.session = null;
    for (const t of this.view.localStream?.getTracks() ?? []) t.stop();
    this.set({ call: null, localStream: null, remoteStream: null, reconnecting: false, lastEnded: ended });
  }
}

export const consoleCalls = new ConsoleCallController();
