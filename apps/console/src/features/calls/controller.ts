/**
 * The operator's side of calls, outside React so a call survives moving between console pages:
 * availability, ringing, answering, and the WebRTC session (the console is the initiator).
 *
 * The hub says how the calls look to this tab (`call:stateChanged`, and `call:sync` after every
 * connect): one tab holds the call (camera and peer), the operator's other tabs show it only. The
 * peer is built once the resident's terminal is ready for it, under the hub's generation; a higher
 * generation (the terminal reloaded, or this tab took the call over) replaces it.
 */
import { acquireMedia, BrowserPeer, CallSession, socketTransport } from '@tsunagu/call';
import type {
  CallEnded,
  CallInfo,
  CallMedia,
  IceServersResponse,
  OperatorState,
  ResidentState,
  StaffCallSync,
} from '@tsunagu/protocol';
import { emitAck, type StaffSocket } from '../../api/socket';

export interface ConsoleCallView {
  me: OperatorState | null;
  ringing: (CallInfo & { ringTimeoutSeconds: number }) | null;
  call: CallInfo | null;
  /** The call goes on in another of this operator's tabs. */
  elsewhere: boolean;
  resident: ResidentState | null;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  audioOnly: boolean;
  reconnecting: boolean;
  lastEnded: CallEnded | null;
  /** The conversation that just ended (it was connected): the note after the call is about it. */
  lastCall: CallInfo | null;
  error: string | null;
}

const EMPTY: ConsoleCallView = {
  me: null,
  ringing: null,
  call: null,
  elsewhere: false,
  resident: null,
  localStream: null,
  remoteStream: null,
  audioOnly: false,
  reconnecting: false,
  lastEnded: null,
  lastCall: null,
  error: null,
};

export class ConsoleCallController {
  private view: ConsoleCallView = EMPTY;
  private readonly listeners = new Set<() => void>();
  private socket: StaffSocket | null = null;
  private session: CallSession | null = null;
  /** The peer asked for last (set before the camera is asked, so a repeated state starts nothing twice). */
  private target: CallMedia | null = null;
  private media: { callId: number; stream: MediaStream | null; video: boolean; ice: IceServersResponse } | null = null;
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
    socket.on('call:ended', (p) => {
      if (this.view.call?.callId === p.callId) this.finish(p);
    });
    socket.on('call:stateChanged', (s) => this.apply(s));
    const sync = () => {
      const media =
        this.session && this.target ? { callId: this.target.callId, generation: this.session.generation } : null;
      emitAck(socket, 'call:sync', { media }).then(
        (s) => this.apply(s),
        () => undefined, // not an operator: nothing to show
      );
    };
    socket.on('connect', sync);
    if (socket.connected) sync();
  }

  /** The hub's word on this tab's calls. */
  private apply(s: StaffCallSync) {
    this.set({ ringing: s.ringing });
    if (!s.call) {
      if (this.view.call) this.finish(s.ended ?? { callId: this.view.call.callId, reason: 'connection_lost' });
      else if (s.ended) this.set({ lastEnded: s.ended });
      return;
    }
    this.set({ call: s.call, elsewhere: !s.here, resident: s.resident, lastEnded: null });
    if (!s.here) this.stopMedia();
    else if (s.media) {
      const t = this.target;
      if (!t || t.callId !== s.media.callId || s.media.generation > (this.session?.generation ?? t.generation))
        void this.startMedia(s.call, s.media);
    }
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
      this.set({ ringing: null, call: info, elsewhere: false, lastEnded: null, error: null });
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
      this.set({ call: info, elsewhere: false, lastEnded: null, error: null });
    } catch (e) {
      this.set({ error: (e as Error).message });
    }
  }

  /** Rings a planned call that is due: the resident's terminal rings, as for a call-back. A refusal is thrown (with its code). */
  async ringScheduled(scheduledCallId: number) {
    if (!this.socket) return;
    const info = await emitAck(this.socket, 'call:ringScheduled', { scheduledCallId });
    this.set({ call: info, elsewhere: false, lastEnded: null, error: null });
  }

  async hangUp() {
    const c = this.view.call;
    if (!this.socket || !c) return;
    await emitAck(this.socket, 'call:hangUp', { callId: c.callId }).catch(() => undefined);
    this.finish({ callId: c.callId, reason: 'hung_up_by_operator' });
  }

  /** Builds (or rebuilds) the peer under the hub's generation; camera and ICE servers are asked once per call. */
  private async startMedia(c: CallInfo, target: CallMedia) {
    if (!this.socket || c.operatorId !== this.myId) return;
    this.target = target;
    const socket = this.socket;
    if (this.media?.callId !== c.callId) {
      const [media, ice] = await Promise.all([
        acquireMedia((constraints) => navigator.mediaDevices.getUserMedia(constraints)),
        emitAck(socket, 'call:iceServers', {}).catch((): IceServersResponse => ({ iceServers: [], ttlSeconds: null })),
      ]);
      if (this.target !== target) {
        // Asked again meanwhile: the later start uses the camera if it is for the same call.
        if (this.target?.callId === c.callId && this.media?.callId !== c.callId)
          this.media = { callId: c.callId, stream: media.stream, video: media.video, ice };
        else for (const t of media.stream?.getTracks() ?? []) t.stop();
        return;
      }
      this.media = { callId: c.callId, stream: media.stream, video: media.video, ice };
    }
    if (this.target !== target || this.view.call?.callId !== c.callId || this.view.elsewhere) return;
    this.session?.close();
    const media = this.media;
    this.set({ localStream: media.stream, audioOnly: !media.video, remoteStream: null });
    const session = new CallSession({
      callId: c.callId,
      initiator: true,
      transport: socketTransport(socket),
      Peer: BrowserPeer,
      iceServers: media.ice.iceServers,
      stream: media.stream,
      generation: target.generation,
    });
    this.session = session;
    session.on('stream', (s) => {
      if (this.session === session) this.set({ remoteStream: s });
    });
    session.on('state', (s) => {
      if (this.session === session) this.set({ reconnecting: s === 'reconnecting' });
    });
    session.on('error', () => undefined);
  }

  /** This tab no longer holds the call: its peer and camera are put away. */
  private stopMedia() {
    this.session?.close();
    this.session = null;
    this.target = null;
    for (const t of this.media?.stream?.getTracks() ?? []) t.stop();
    this.media = null;
    if (this.view.localStream || this.view.remoteStream) this.set({ localStream: null, remoteStream: null });
  }

  private finish(ended: CallEnded) {
    this.stopMedia();
    const c = this.view.call;
    this.set({
      call: null,
      elsewhere: false,
      resident: null,
      reconnecting: false,
      lastEnded: ended,
      lastCall: c && c.status === 'connected' && c.operatorId === this.myId ? c : this.view.lastCall,
    });
  }

  /** The note after the call was written or skipped. */
  noteDone() {
    this.set({ lastCall: null });
  }
}

export const consoleCalls = new ConsoleCallController();
