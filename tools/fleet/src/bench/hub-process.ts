/**
 * The hub as the bench runs it: the real buildApp on a database on disk, listening on TCP, in its
 * own process pinned to its own core; the bench reads its memory after GC over the IPC channel
 * (never through a route). Started with --expose-gc.
 */
import { buildApp } from '@tsunagu/hub/app';
import { memoryAfterGc, serveIpc } from './ipc';

async function main() {
  const dataDir = process.env.TSUNAGU_DATA_DIR;
  if (!dataDir) throw new Error('TSUNAGU_DATA_DIR must be set');
  const port = Number(process.env.PORT ?? 0);
  const hub = await buildApp({
    config: { dataDir, port, host: '127.0.0.1', seedDemo: false, publicUrl: `http://127.0.0.1:${port}` },
    logger: false,
  });
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
