/**
 * jest globalSetup/globalTeardown for the unit project: names the run's PostgreSQL directory and its
 * owner (this jest process). Nothing starts here: the first test file that needs PostgreSQL starts
 * the server (testing/postgres.ts), so runs without such a file pay nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopSharedServer } from './postgres';

export async function setup(): Promise<void> {
  // The unit and postgres projects both name this setup: one server for the whole run.
  if (process.env.TSUNAGU_TEST_PG_OWNER === String(process.pid)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-pgrun-'));
  // The server directory inside is owned by `postgres` when jest runs as root: it must get through.
  fs.chmodSync(dir, 0o755);
  process.env.TSUNAGU_TEST_PG_RUN = dir;
  process.env.TSUNAGU_TEST_PG_OWNER = String(process.pid);
}

export async function teardown(): Promise<void> {
  const dir = process.env.TSUNAGU_TEST_PG_RUN;
  if (dir) await stopSharedServer(dir);
}
