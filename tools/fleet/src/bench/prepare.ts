/**
 * Prepares the bench's database file before the hub process starts: districts, households, shops,
 * operators with console sessions, a city-hall API key and one enrollment code per household.
 * Terminals themselves are enrolled later by the fleet, through the enrollment API.
 */
import { buildApp } from '@tsunagu/hub/app';
import type { HubConfig } from '@tsunagu/hub/config';
import { openDatabase } from '@tsunagu/hub/db/database';
import { sqliteSql } from '@tsunagu/hub/db/sql';
import { randomToken, sha256 } from '@tsunagu/hub/lib/secrets';
import { hashPassword } from '@tsunagu/hub/modules/accounts/service';
import { createAccountsStore } from '@tsunagu/hub/modules/accounts/store';
import { createAnnouncementsStore } from '@tsunagu/hub/modules/announcements/store';
import { createHouseholdsStore } from '@tsunagu/hub/modules/households/store';
import { createShopsStore } from '@tsunagu/hub/modules/shops/store';
import { SESSION_COOKIE } from '@tsunagu/hub/plugins/auth';
import { draftAnnouncement } from '@tsunagu/hub/testing/announcements';
import { publishingApiKey } from '@tsunagu/hub/testing/harness';
import { drillWording, pool } from '../sim/fleet';
import type { TerminalIdentity } from '../sim/terminal';

export interface Prepared {
  apiKey: string;
  /** Codes the fleet enrolls through POST /api/terminals/enroll. */
  codes: string[];
  /** Terminals enrolled here through the terminals service (same code path, one transaction). */
  preEnrolled: TerminalIdentity[];
  /** A code kept for the browser's terminal (terminal start). */
  browserCode: string;
  shopIds: number[];
  operatorCookies: string[];
}

const ALL_DAY = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: '00:00', close: '24:00' }));

/**
 * `viaApi` households keep their codes for the fleet to enroll through the API; the rest are
 * enrolled here with the same service the route calls. (Each enrollment through the API is two
 * commits — the terminal and its audit record — so ten thousand would take minutes of the bench's
 * ten on a busy disk; the API path is measured on a sample instead.)
 */
export async function prepareDatabase(
  dataDir: string,
  sizes: { households: number; shops: number; operators: number; viaApi: number },
  /** Another engine (the nodes part: `database` on PostgreSQL); SQLite in `dataDir` by default. */
  config: Partial<HubConfig> = {},
  /**
   * Codes issued and terminals enrolled this many at a time: on PostgreSQL each is a few round trips
   * to the server, and several connections of the pool work at once (on SQLite units of work run one
   * at a time whatever this says).
   */
  concurrency = 1,
): Promise<Prepared> {
  const hub = await buildApp({ config: { dataDir, seedDemo: false, ...config }, backgroundJobs: false, logger: false });
  try {
    const now = Date.now();
    // One Argon2id hash for all operators: they use sessions made here and never type a password.
    const passwordHash = await hashPassword(randomToken());
    // One unit of work for the whole city.
    const made = await hub.ctx.sql.transaction(async (tx) => {
      const households = createHouseholdsStore(tx);
      const districts: number[] = [];
      for (let i = 0; i < 10; i++)
        districts.push(
          await households.createDistrict({
            code: `bench-${i}`,
            name: `負荷地区${i + 1}`,
            nameEn: `Bench district ${i + 1}`,
          }),
        );
      const householdIds: number[] = [];
      for (let i = 0; i < sizes.households + 1; i++)
        householdIds.push(
          await households.create(
            { name: `負荷世帯 ${i + 1}`, address: `負荷町 ${i + 1}`, districtId: districts[i % districts.length]! },
            now,
          ),
        );
      const shops = createShopsStore(tx);
      const shopIds: number[] = [];
      for (let i = 0; i < sizes.shops; i++)
        shopIds.push(
          await shops.create(
            { name: `負荷ストア${i + 1}`, category: 'supermarket', kind: 'shop', openingHours: ALL_DAY },
            now,
          ),
        );
      return { shopIds, householdIds };
    });
    // Enrollments are units of work of the terminals store: without a disk flush each while preparing.
    hub.ctx.db.pragma('synchronous = OFF');
    const codes = await pool(
      made.householdIds,
      concurrency,
      async (id) => (await hub.services.terminals.issueCode(id, 'bench')).code,
    );
    const browserCode = codes.pop()!;
    const preEnrolled: TerminalIdentity[] = await pool(codes.splice(sizes.viaApi), concurrency, async (code, i) => {
      const r = await hub.services.terminals.enroll(code, `bench terminal ${sizes.viaApi + i + 1}`);
      return { householdId: r.householdId, terminalId: r.terminalId, credential: r.credential };
    });
    hub.ctx.db.pragma('synchronous = FULL');
    // One unit of work, as the rest was one transaction.
    const operatorCookies = await hub.ctx.sql.transaction(async (tx) => {
      const accounts = createAccountsStore(tx);
      const cookies: string[] = [];
      for (let i = 0; i < sizes.operators; i++) {
        const userId = await accounts.createUser(
          {
            username: `bench-op-${i + 1}`,
            displayName: `オペレーター${i + 1}`,
            passwordHash,
            role: 'operator',
            admin: false,
            shopId: made.shopIds[i % made.shopIds.length]!,
            watcherKind: null,
          },
          now,
        );
        const token = randomToken();
        await accounts.createSession({
          tokenHash: sha256(token),
          userId,
          csrfToken: randomToken(24),
          now,
          expiresAt: now + 24 * 3600_000,
          ip: null,
        });
        cookies.push(`${SESSION_COOKIE}=${token}`);
      }
      return cookies;
    });
    const apiKey = await publishingApiKey(hub, 'bench');
    return { apiKey, operatorCookies, shopIds: made.shopIds, codes, browserCode, preEnrolled };
  } finally {
    await hub.app.close();
  }
}

/**
 * While the hub is down: an announcement stored as "scheduled, not yet sent", which is what the
 * hub finds when it crashed between storing and sending; the announcements module sends such
 * announcements at start-up (persisted first, then sent).
 */
export async function storeAnnouncementWhileDown(dbFile: string): Promise<number> {
  const db = openDatabase(dbFile);
  try {
    return await createAnnouncementsStore(sqliteSql(db)).insert(
      draftAnnouncement({ ...drillWording('storm'), safetyCheck: false, createdBy: 'bench', createdAt: Date.now() }),
    );
  } finally {
    db.close();
  }
}
