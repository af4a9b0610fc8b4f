/**
 * Several hubs on one machine, as docs/operations.md deploys them on several (issue 18): a real
 * PostgreSQL and Redis (Debian's, in temporary directories on free ports), N hubs as child
 * processes (TSUNAGU_DATABASE_URL, TSUNAGU_REDIS_URL, TSUNAGU_TRUST_PROXY=1, a data folder each for
 * voice clips), and HAProxy in front. `npm run cluster` starts one to try; the failover test kills
 * one of its hubs in the middle of an emergency.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPostgres } from '@tsunagu/hub/db/postgres';
import { bundleHub, type ChildHub, freePort, type HubBundle, startChildHub } from '@tsunagu/hub/testing/child-hub';
import { type PostgresServer, startPostgres } from '@tsunagu/hub/testing/postgres';
import { type RedisServer, startRedis } from '@tsunagu/hub/testing/redis';
import { haproxyConfig, type RunningHaproxy, startHaproxy } from './haproxy';

export interface ClusterOptions {
  hubs: number;
  /** Environment for every hub (e.g. TSUNAGU_SEED_DEMO for the first start). */
  hubEnv?: Record<string, string>;
  /** Environment for the first hub only, started before the others (it migrates and seeds). */
  firstHubEnv?: Record<string, string>;
  /** Runs on the empty, migrated database before any hub starts (e.g. provisioning a test city). */
  prepare?: (databaseUrl: string) => Promise<void>;
  /** A port for HAProxy's front (default: a free one). */
  port?: number;
  /**
   * The hub to run: the built one (`npm run build`: it serves the console and terminal web apps),
   * or by default one bundled from the sources (tests: no build needed, no web apps).
   */
  built?: { server: string; admin: string };
}

export interface RunningCluster {
  /** Where terminals and browsers connect: HAProxy. */
  url: string;
  databaseUrl: string;
  redisUrl: string;
  hubs: (ChildHub | null)[];
  /** Each hub's data folder (voice clips, the disk guard; the first hub's holds the demo city's logins). */
  dataDirs: string[];
  /** What each hub wrote, killed ones included (a restarted hub's runs one after the other). */
  outputs(): string[];
  /** SIGKILL hub `i`: no shutdown hooks, no final flush. */
  kill9(i: number): Promise<void>;
  /** Starts hub `i` again on its port. */
  restart(i: number): Promise<ChildHub>;
  haproxy: RunningHaproxy;
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-cluster-'));
  let postgres: PostgresServer | null = null;
  let redis: RedisServer | null = null;
  let bundle: HubBundle | null = null;
  let haproxy: RunningHaproxy | null = null;
  const hubs: (ChildHub | null)[] = [];
  const stop = async () => {
    await haproxy?.stop();
    await Promise.all(hubs.map((h) => h?.stop()));
    await redis?.stop();
    await postgres?.stop();
    bundle?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const built = options.built;
    [postgres, redis, bundle] = await Promise.all([
      startPostgres(),
      startRedis(),
      built ? { ...built, dispose: () => undefined } : bundleHub(),
    ]);
    const admin = await openPostgres(postgres.url, { migrate: false, max: 1 });
    await admin.query('CREATE DATABASE tsunagu').finally(() => admin.end());
    const databaseUrl = postgres.url.replace(/\/postgres$/, '/tsunagu');
    // Migrated once, before the hubs race to do it.
    await (await openPostgres(databaseUrl)).end();
    await options.prepare?.(databaseUrl);

    const ports = await Promise.all(Array.from({ length: options.hubs }, () => freePort()));
    const env = (i: number) => ({
      TSUNAGU_DATABASE_URL: databaseUrl,
      TSUNAGU_REDIS_URL: redis!.url,
      TSUNAGU_TRUST_PROXY: '1',
      TSUNAGU_PUBLIC_URL: `http://127.0.0.1:${front}`,
      ...options.hubEnv,
      ...(i === 0 ? options.firstHubEnv : {}),
    });
    const front = options.port ?? (await freePort());
    const runs: ChildHub[][] = ports.map(() => []);
    const dataDirs = ports.map((_p, i) => path.join(dir, `hub${i + 1}`));
    const start = async (i: number) => {
      const dataDir = dataDirs[i]!;
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      // A hub's first start on a large database may take a while (a loaded test machine too).
      const hub = await startChildHub({ bundle: bundle!, dataDir, port: ports[i]!, env: env(i), timeoutMs: 120_000 });
      runs[i]!.push(hub);
      return hub;
    };
    hubs.push(await start(0));
    hubs.push(...(await Promise.all(ports.slice(1).map((_p, i) => start(i + 1)))));
    haproxy = await startHaproxy(
      dir,
      haproxyConfig({ port: front, backends: ports.map((port, i) => ({ name: `hub${i + 1}`, port })) }),
      front,
    );
    return {
      url: `http://127.0.0.1:${front}`,
      databaseUrl,
      redisUrl: redis.url,
      hubs,
      dataDirs,
      outputs: () => runs.map((r) => r.map((h) => h.output()).join('\n--- restarted ---\n')),
      haproxy,
      async kill9(i) {
        await hubs[i]?.kill9();
        hubs[i] = null;
      },
      async restart(i) {
        const hub = await start(i);
        hubs[i] = hub;
        return hub;
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
