/**
 * The hub as a real child process, for tests that kill it (`kill -9`), restart it, or run the admin
 * command line against it: `server.ts` and `cli/admin.ts` are bundled once per test file with
 * esbuild (no tsc build needed on a fresh clone), and the data folder is prepared in-process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildApp } from '../app';
import type { HubConfig } from '../config';
import type { Hub } from '../hub';
import { publishingApiKey } from './harness';

const HUB_DIR = path.resolve(__dirname, '../..');
const REPO = path.resolve(HUB_DIR, '../..');

export interface HubBundle {
  server: string;
  admin: string;
  dispose(): void;
}

/**
 * Bundles the hub's entry points. The output folder sits exactly two levels below apps/hub
 * (apps/hub/dist/rel-…/), so `__dirname`-relative paths in the bundle (the migrations folder,
 * resolved as `../../src/db/migrations`) still point at the sources. dist/ is git-ignored.
 */
export async function bundleHub(): Promise<HubBundle> {
  const esbuild = await import('esbuild');
  const outdir = path.join(HUB_DIR, 'dist', `rel-${process.pid}-${Date.now().toString(36)}`);
  await esbuild.build({
    entryPoints: { server: path.join(HUB_DIR, 'src/server.ts'), admin: path.join(HUB_DIR, 'src/cli/admin.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
    plugins: [
      {
        // Workspace packages are bundled from source (their dist/ may not exist); everything else
        // in node_modules (better-sqlite3, fastify…) stays external.
        name: 'workspace-source',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            const m = /^@tsunagu\/(protocol|ui|call)$/.exec(args.path);
            if (m) return { path: path.join(REPO, 'packages', m[1]!, 'src/index.ts') };
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return {
    server: path.join(outdir, 'server.js'),
    admin: path.join(outdir, 'admin.js'),
    dispose: () => fs.rmSync(outdir, { recursive: true, force: true }),
  };
}

/** A free TCP port on 127.0.0.1 (so a restarted hub can come back on the same one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ChildHub {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the child wrote (stdout + stderr), for failure messages and log checks. */
  output(): string;
  /** `kill -9`: no shutdown hooks, no final flush. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the clean shutdown. */
  stop(): Promise<void>;
}

export interface ChildHubOptions {
  bundle: HubBundle;
  dataDir: string;
  port: number;
  env?: Record<string, string>;
  /** Extra options for node (e.g. --cpu-prof when investigating). */
  nodeArgs?: string[];
  timeoutMs?: number;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `node server.js` on the data folder and resolves once it is listening. */
export async function startChildHub(options: ChildHubOptions): Promise<ChildHub> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.bundle.server], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: String(options.port),
      TSUNAGU_DATA_DIR: options.dataDir,
      TSUNAGU_SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  await new Promise<void>((resolve, reject) => {
    // A hub that did not start in time is stopped, so it does not keep its port (and its data folder)
    // for the tests after this one.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hub (pid ${child.pid}) did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = () => {
      if (out.includes('Tsunagu hub is running')) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`hub exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${options.port}`,
    port: options.port,
    process: child,
    output: () => out,
    async kill9() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** Runs the bundled admin command line against a data folder; resolves with its exit code and output. */
export function runAdmin(
  bundle: HubBundle,
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle.admin, ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TSUNAGU_DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ProvisionedCity {
  dataDir: string;
  apiKey: string;
  districtIds: number[];
  terminals: { householdId: number; terminalId: number; credential: string }[];
}

/**
 * Prepares a data folder with `households` households, each with an enrolled terminal, and a
 * city-hall API key — written in-process (fast), then closed so a child hub can open it.
 */
export async function provisionCity(
  dataDir: string,
  households: number,
  config: Partial<HubConfig> = {},
): Promise<ProvisionedCity> {
  const hub: Hub = await buildApp({ config: { dataDir, ...config }, backgroundJobs: false });
  try {
    const districtIds: number[] = [];
    for (const [i, code] of ['north', 'south'].entries())
      districtIds.push(await hub.stores.households.createDistrict({ code, name: ['北部', '南部'][i]!, nameEn: code }));
    const terminals: ProvisionedCity['terminals'] = [];
    const now = hub.ctx.clock.now();
    // A test city: no disk flush per enrollment (the hub's close checkpoints the file).
    hub.ctx.db.pragma('synchronous = OFF');
    for (let i = 0; i < households; i++) {
      const householdId = await hub.stores.households.create(
        { name: `世帯${i + 1}`, address: `試験町 ${i + 1}`, districtId: districtIds[i % 2]! },
        now,
      );
      const { code } = await hub.services.terminals.issueCode(householdId, 'test');
      const r = await hub.services.terminals.enroll(code, null);
      terminals.push({ householdId, terminalId: r.terminalId, credential: r.credential });
    }
    hub.ctx.db.pragma('synchronous = FULL');
    return { dataDir, apiKey: await publishingApiKey(hub, 'reliability'), districtIds, terminals };
  } finally {
    await hub.app.close();
  }
}

/** A bundled hub and a fresh data folder holding a provisioned city; `start` runs the hub on it. */
export interface ChildCity extends ProvisionedCity {
  bundle: HubBundle;
  /** Chosen once, so that a restarted hub comes back where the terminals look for it. */
  port: number;
  start(options?: Omit<ChildHubOptions, 'bundle' | 'dataDir' | 'port'>): Promise<ChildHub>;
  /** Drops the bundle and the data folder (stop the hub first). */
  dispose(): void;
}

/**
 * Bundles the hub and provisions `households` in a new temporary folder named after the test;
 * `prepare` runs on the empty folder first (e.g. to mount a small file system on it).
 */
export async function childCity(
  name: string,
  households: number,
  prepare?: (dataDir: string) => void,
): Promise<ChildCity> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tsunagu-${name}-`));
  prepare?.(dataDir);
  const bundle = await bundleHub();
  const dispose = () => {
    bundle.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const city = await provisionCity(dataDir, households);
    const port = await freePort();
    return { ...city, bundle, port, start: (o = {}) => startChildHub({ ...o, bundle, dataDir, port }), dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** Opens the hub's database read-only (safe next to a running hub: WAL). */
export function openReadOnly(dataDir: string): Database.Database {
  return new Database(path.join(dataDir, 'tsunagu.db'), { readonly: true, fileMustExist: true });
}
