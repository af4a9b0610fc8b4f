/** A shop operator's console session, as the bench's call load drives it. */
import { performance } from 'node:perf_hooks';
import { type Ack, type CallInfo, type OperatorState, STAFF_NAMESPACE } from '@tsunagu/protocol';
import { io, type Socket } from 'socket.io-client';
import { sleep } from './pool';
import { command } from './terminal';

/** A shop operator in the console: available, answers each ring, talks for `holdMs`, hangs up. */
export class VirtualOperator {
  readonly socket: Socket;
  rings = 0;
  constructor(
    hub: string,
    readonly cookie: string,
    private readonly onRing: (p: CallInfo, at: number) => void,
    private readonly holdMs = 1000,
  ) {
    const base = new URL(hub);
    this.socket = io(new URL(STAFF_NAMESPACE.slice(1), base).href, {
      path: `${base.pathname.replace(/\/$/, '')}/socket.io`,
      transports: ['websocket'],
      extraHeaders: { cookie },
      forceNew: true,
      autoConnect: false,
      reconnection: true,
    });
    this.socket.on('call:ringing', (p: CallInfo) => {
      this.rings++;
      this.onRing(p, performance.now());
      void this.take(p.callId);
    });
  }

  private async take(callId: number) {
    const answered = await command<CallInfo>(this.socket, 'call:answer', { callId });
    if (!answered.ok) return;
    await sleep(this.holdMs);
    await command(this.socket, 'call:hangUp', { callId });
    await command<OperatorState>(this.socket, 'call:endAfterCallWork', {});
  }

  connect(timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('operator: not connected in time')), timeoutMs);
      this.socket.once('connect', () => {
        clearTimeout(t);
        resolve();
      });
      this.socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
        if (this.socket.active) return;
        clearTimeout(t);
        reject(new Error(`operator refused: ${err.data?.code ?? err.message}`));
      });
      this.socket.connect();
    });
  }

  async setAvailable(): Promise<Ack<OperatorState>> {
    return command<OperatorState>(this.socket, 'call:setAvailability', { availability: 'available' });
  }

  close(): void {
    this.socket.disconnect();
  }
}
