/**
 * The hub as the bench runs it: the real buildApp on a database on disk, listening on TCP, in its
 * own process pinned to its own core; the bench reads its memory after GC over the IPC channel
 * (never through a route). Started with --expose-gc.
 */
import { buildApp } from '@tsunagu/hub/app';
import { DEFAULT_ADMISSION, hubAdmissionControl } from '@tsunagu/hub/plugins/admission';
import { memoryAfterGc, serveIpc } from './ipc';

async function main() {
  const dataDir = process.env.TSUNAGU_DATA_DIR;
  if (!dataDir) throw new Error('TSUNAGU_DATA_DIR must be set');
  const port = Number(process.env.PORT ?? 0);
  // For the storm's comparison only: TSUNAGU_BENCH_ADMISSION_LINE=0 refuses every terminal beyond the
  // rate at once (HUB_BUSY), as the hub did before terminals waited in line (plugins/admission.ts).
  const noLine = process.env.TSUNAGU_BENCH_ADMISSION_LINE === '0';
  // For trying other admission settings: TSUNAGU_BENCH_ADMISSION='{"perSecond":1000}' (plugins/admission.ts).
  const tried = process.env.TSUNAGU_BENCH_ADMISSION
    ? (JSON.parse(process.env.TSUNAGU_BENCH_ADMISSION) as Partial<typeof DEFAULT_ADMISSION>)
    : null;
  const hub = await buildApp({
    config: { dataDir, port, host: '127.0.0.1', seedDemo: false, publicUrl: `http://127.0.0.1:${port}` },
    logger: false,
    ...(noLine || tried
      ? { admission: hubAdmissionControl({ ...DEFAULT_ADMISSION, ...tried, ...(noLine ? { maxWaitMs: 0 } : {}) }) }
      : {}),
  });
  // For the memory figure's comparison only: the terminals' namespace with Socket.IO's
  // connection-state recovery as the hub had it before (plugins/socket.ts turned it off for terminals).
  if (process.env.TSUNAGU_BENCH_TERMINAL_RECOVERY === '1') {
    const { terminals, staff } = hub.ctx.sockets;
    // The staff namespace still has it: the same adapter class.
    const SessionAware = staff.adapter.constructor as new (nsp: typeof terminals) => typeof terminals.adapter;
    await terminals.adapter.close();
    terminals.adapter = new SessionAware(terminals);
  }
  await hub.app.listen({ port, host: '127.0.0.1', backlog: 4096 });
  const address = hub.app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  serveIpc({
    memory: () => memoryAfterGc(),
    sockets: () => hub.ctx.sockets.terminals.sockets.size,
    heapSnapshot: (a: { file: string }) => {
      (globalThis as { gc?: () => void }).gc?.();
      return require('node:v8').writeHeapSnapshot(a.file);
    },
    stop: async () => {
      await hub.app.close();
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  process.send?.({ ready: true, port: bound });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
