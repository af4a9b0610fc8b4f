/**
 * Several hubs as one (issue 18): with TSUNAGU_REDIS_URL, Socket.IO broadcasts go through a Redis
 * stream (`@socket.io/redis-streams-adapter`), so a terminal connected to hub A receives what hub B
 * publishes, and HTTP rate limits count in Redis, so a password guesser gains nothing by spreading
 * attempts over the hubs. Without it everything stays in memory (one hub, `npm start`).
 *
 * Two Redis connections: the adapter reads the stream with a blocking XREAD, and a command queued
 * behind a blocking read waits for it — every broadcast (which waits for its XADD before it is sent
 * to this hub's own sockets) would wait up to the read's 100 ms. Reads go on one connection,
 * everything else on the other.
 *
 * Terminals keep no connection-state recovery (plugins/socket.ts says why): their namespace's
 * adapter neither stores sessions nor adds stream offsets to their packets.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { Namespace } from 'socket.io';
import type { Adapter } from 'socket.io-adapter';

export interface RedisConfig {
  url: string;
}

export function loadRedisConfig(env: NodeJS.ProcessEnv, problems: string[]): RedisConfig | null {
  const raw = env.TSUNAGU_REDIS_URL?.trim();
  if (!raw) return null;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {}
  if (!url || !['redis:', 'rediss:'].includes(url.protocol) || !url.hostname) {
    // The value may hold a password: not repeated in the message.
    problems.push('TSUNAGU_REDIS_URL must be a Redis URL such as redis://redis.example:6379 (or unset for one hub)');
    return null;
  }
  return { url: raw };
}

export type AdapterFactory = (nsp: Namespace) => Adapter;

export interface Cluster {
  /** For HTTP rate limits (@fastify/rate-limit's `redis`). */
  readonly redis: Redis;
  /** Socket.IO adapter for namespaces that keep connection-state recovery (staff). */
  readonly adapter: AdapterFactory;
  /** The same without recovery: for the terminals' namespace. */
  readonly adapterWithoutRecovery: AdapterFactory;
  close(): Promise<void>;
}

/** Streams and keys of one city's hubs; a Redis shared with other software keeps ours apart. */
const STREAM = 'tsunagu:socket.io';
const SESSION_PREFIX = 'tsunagu:sio:session:';

/** Connects to Redis (rejects with a plain message if it cannot be reached) and builds the adapters. */
export async function connectCluster(config: RedisConfig): Promise<Cluster> {
  const open = async (name: string) => {
    let connected = false;
    const client = new Redis(config.url, {
      // Once connected, reconnect for ever (Redis restarted); a first connection that fails stops the start.
      retryStrategy: (times) => (connected ? Math.min(times * 200, 2000) : null),
      connectionName: `tsunagu-hub-${name}`,
      lazyConnect: true,
      // Commands wait while the connection is re-established (Redis restarted, failed over), but a
      // broadcast waits for its XADD before it reaches this hub's own terminals: Redis down must
      // never hold an alert back, so a command gives up after a second (the broadcast then goes
      // to this hub's sockets only).
      maxRetriesPerRequest: null,
      commandTimeout: 1000,
    });
    // Without a listener ioredis prints every reconnect error; the hub reports it through /healthz.
    client.on('error', () => {});
    try {
      await client.connect();
      connected = true;
    } catch (err) {
      client.disconnect();
      throw new Error(
        `Cannot reach Redis at TSUNAGU_REDIS_URL (${(err as Error).message}). Start Redis, or unset TSUNAGU_REDIS_URL to run one hub.`,
      );
    }
    return client;
  };
  const commands = await open('commands');
  const reads = await open('stream-reads');
  // The adapter calls xread (blocking), xadd, xrange, set and getdel on the one client it is given.
  const split = {
    xread: reads.xread.bind(reads),
    xadd: commands.xadd.bind(commands),
    xrange: commands.xrange.bind(commands),
    set: commands.set.bind(commands),
    getdel: commands.getdel.bind(commands),
  };
  const adapter = createAdapter(split, { streamName: STREAM, sessionKeyPrefix: SESSION_PREFIX }) as AdapterFactory;
  const adapterWithoutRecovery: AdapterFactory = (nsp) => {
    const a = adapter(nsp) as Adapter & { addOffsetIfNecessary(): void };
    a.addOffsetIfNecessary = () => {};
    a.persistSession = () => {};
    // What the in-memory adapter answers without recovery: no session, the client connects afresh.
    a.restoreSession = async () => null as never;
    return a;
  };
  return {
    redis: commands,
    adapter,
    adapterWithoutRecovery,
    async close() {
      // The adapters are closed by now (plugins/socket.ts, preClose): nothing is left to send.
      reads.disconnect();
      commands.disconnect();
    },
  };
}
