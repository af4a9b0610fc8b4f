/**
 * Districts, households, residents and their watchers, on both engines (one SQL text over
 * db/sql.ts; store.test.ts runs on SQLite and PostgreSQL).
 */
import type { CreateHouseholdBody, District, Household, UpdateHouseholdBody, WatcherKind } from '@tsunagu/protocol';
import { conditions, type Sql } from '../../db/sql';

export interface HouseholdWatcher {
  userId: number;
  level: number;
  watcherKind: WatcherKind | null;
}

export interface HouseholdsStore {
  listDistricts(): Promise<District[]>;
  districtExists(id: number): Promise<boolean>;
  createDistrict(d: { code: string; name: string; nameEn: string }): Promise<number>;
  create(body: CreateHouseholdBody, now: number): Promise<number>;
  /** Several households in one unit of work (an import): all are stored or none. */
  createMany(bodies: readonly CreateHouseholdBody[], now: number): Promise<number[]>;
  /** The household's details and residents, in one unit of work (residents not named are removed). */
  update(id: number, body: UpdateHouseholdBody): Promise<void>;
  /** False when it was closed already (or does not exist). */
  close(id: number, x: { at: number; by: string; reason: string }): Promise<boolean>;
  reopen(id: number): Promise<boolean>;
  get(id: number): Promise<Household | undefined>;
  /** Open households (closed ones too with `includeClosed`), by id. */
  list(filter?: HouseholdFilter): Promise<Household[]>;
  assignWatcher(householdId: number, userId: number, level: number): Promise<void>;
  unassignWatcher(householdId: number, userId: number): Promise<boolean>;
  isWatcherOf(userId: number, householdId: number): Promise<boolean>;
  watchersOf(householdId: number): Promise<HouseholdWatcher[]>;
  /** Who watches each of these households (one statement however many). */
  watcherUsersOf(householdIds: readonly number[]): Promise<{ householdId: number; userId: number }[]>;
  /** The watchers of a district's open households (a row per household and watcher, in one statement). */
  watchersInDistrict(districtId: number): Promise<HouseholdWatcher[]>;
  count(): Promise<number>;
}

/** Conditions that all hold (each only when given). */
export interface HouseholdFilter {
  watcherUserId?: number;
  districtId?: number;
  /** Only these households (one statement however many). */
  ids?: readonly number[];
  includeClosed?: boolean;
}

export interface HouseholdRow {
  id: number;
  name: string;
  kana: string;
  address: string;
  district_id: number;
  phone: string | null;
  language: 'ja' | 'en';
  needs_assistance: number;
  assistance_reason: string;
  notes: string;
  closed_at: number | null;
  close_reason: string;
  terminal_id: number | null;
  online: number | null;
  last_seen_at: number | null;
}

export interface ResidentRow {
  id: number;
  household_id: number;
  name: string;
  birth_year: number | null;
}

const BASE = `SELECT h.id, h.name, h.kana, h.address, h.district_id, h.phone, h.language, h.needs_assistance,
    h.assistance_reason, h.notes, h.closed_at, h.close_reason, t.id AS terminal_id, t.online, t.last_seen_at
  FROM households h LEFT JOIN terminals t ON t.household_id = h.id AND t.revoked_at IS NULL`;
export const HOUSEHOLD_BY_ID = `${BASE} WHERE h.id = ?`;
const DISTRICTS = 'SELECT id, code, name, name_en AS "nameEn" FROM districts ORDER BY id';
const WATCHERS = `SELECT w.user_id AS "userId", w.level, u.watcher_kind AS "watcherKind" FROM household_watchers w
  JOIN users u ON u.id = w.user_id WHERE w.household_id = ? ORDER BY w.level, w.user_id`;
const WATCHERS_IN_DISTRICT = `SELECT w.user_id AS "userId", w.level, u.watcher_kind AS "watcherKind"
  FROM household_watchers w JOIN users u ON u.id = w.user_id JOIN households h ON h.id = w.household_id
  WHERE h.district_id = ? AND h.closed_at IS NULL ORDER BY w.level, w.user_id, w.household_id`;
// A closed household is no longer watched: its watchers stop seeing it.
const IS_WATCHER = `SELECT 1 AS yes FROM household_watchers w JOIN households h ON h.id = w.household_id
  WHERE w.user_id = ? AND w.household_id = ? AND h.closed_at IS NULL`;
const INSERT = `INSERT INTO households (name, kana, address, district_id, phone, language, needs_assistance,
  assistance_reason, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;
const INSERT_RESIDENT = 'INSERT INTO residents (household_id, name, birth_year) VALUES (?, ?, ?)';

const COLUMNS: Record<string, string> = {
  name: 'name',
  kana: 'kana',
  address: 'address',
  districtId: 'district_id',
  phone: 'phone',
  language: 'language',
  needsAssistance: 'needs_assistance',
  assistanceReason: 'assistance_reason',
  notes: 'notes',
};

const iso = (t: number | null) => (t == null ? null : new Date(t).toISOString());

/** Households with their residents and watcher ids (two reads for however many households). */
export function toHouseholds(
  rows: HouseholdRow[],
  residents: ResidentRow[],
  watchers: { household_id: number; user_id: number }[],
): Household[] {
  const residentsOf = new Map<number, Household['residents']>();
  for (const r of residents) {
    const list = residentsOf.get(r.household_id) ?? [];
    list.push({ id: r.id, name: r.name, birthYear: r.birth_year });
    residentsOf.set(r.household_id, list);
  }
  const watchersOf = new Map<number, number[]>();
  for (const w of watchers) watchersOf.set(w.household_id, [...(watchersOf.get(w.household_id) ?? []), w.user_id]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kana: r.kana,
    address: r.address,
    districtId: r.district_id,
    phone: r.phone,
    language: r.language,
    needsAssistance: r.needs_assistance === 1,
    assistanceReason: r.assistance_reason,
    notes: r.notes,
    closedAt: iso(r.closed_at),
    closeReason: r.close_reason,
    residents: residentsOf.get(r.id) ?? [],
    watcherIds: watchersOf.get(r.id) ?? [],
    terminal:
      r.terminal_id == null
        ? null
        : { id: r.terminal_id, online: r.online === 1, lastSeenAt: iso(r.last_seen_at), revoked: false },
  }));
}

export function createHouseholdsStore(sql: Sql): HouseholdsStore {
  async function complete(rows: HouseholdRow[]): Promise<Household[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [inResidents, residentIds] = sql.anyOf('household_id', ids);
    const [inWatchers, watcherIds] = sql.anyOf('w.household_id', ids);
    return toHouseholds(
      rows,
      await sql.all<ResidentRow>(
        `SELECT id, household_id, name, birth_year FROM residents WHERE ${inResidents} ORDER BY id`,
        [residentIds],
      ),
      await sql.all(
        `SELECT w.household_id, w.user_id FROM household_watchers w WHERE ${inWatchers} ORDER BY w.level, w.user_id`,
        [watcherIds],
      ),
    );
  }
  function listQuery(filter: HouseholdFilter): [string, unknown[]] {
    const c = conditions().equals('h.district_id', filter.districtId);
    if (filter.watcherUserId !== undefined)
      c.add('h.id IN (SELECT household_id FROM household_watchers WHERE user_id = ?)', filter.watcherUserId);
    if (filter.ids) c.add(...sql.anyOf('h.id', filter.ids));
    if (!filter.includeClosed) c.add('h.closed_at IS NULL');
    return [`${BASE} ${c.where} ORDER BY h.id`, c.args];
  }
  const insertOne = async (tx: Sql, body: CreateHouseholdBody, now: number): Promise<number> => {
    const { id } = (await tx.get<{ id: number }>(INSERT, [
      body.name,
      body.kana ?? '',
      body.address,
      body.districtId,
      body.phone ?? null,
      body.language ?? 'ja',
      body.needsAssistance ? 1 : 0,
      body.assistanceReason ?? '',
      body.notes ?? '',
      now,
    ]))!;
    for (const r of body.residents ?? []) await tx.run(INSERT_RESIDENT, [id, r.name, r.birthYear ?? null]);
    return id;
  };

  return {
    listDistricts: () => sql.all<District>(DISTRICTS),
    districtExists: async (id) => (await sql.get('SELECT 1 AS yes FROM districts WHERE id = ?', [id])) !== undefined,
    createDistrict: async (d) =>
      (await sql.get<{ id: number }>('INSERT INTO districts (code, name, name_en) VALUES (?, ?, ?) RETURNING id', [
        d.code,
        d.name,
        d.nameEn,
      ]))!.id,
    create: (body, now) => sql.transaction((tx) => insertOne(tx, body, now)),
    createMany: (bodies, now) =>
      sql.transaction(async (tx) => {
        const ids: number[] = [];
        for (const b of bodies) ids.push(await insertOne(tx, b, now));
        return ids;
      }),
    update: (id, body) =>
      sql.transaction(async (tx) => {
        const sets: string[] = [];
        const values: (string | number | null)[] = [];
        for (const [key, column] of Object.entries(COLUMNS)) {
          const v = (body as Record<string, unknown>)[key];
          if (v === undefined) continue;
          sets.push(`${column} = ?`);
          values.push(typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | number | null));
        }
        if (sets.length) await tx.run(`UPDATE households SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
        if (!body.residents) return;
        const kept = new Set(body.residents.flatMap((r) => (r.id === undefined ? [] : [r.id])));
        for (const r of await tx.all<{ id: number }>('SELECT id FROM residents WHERE household_id = ?', [id]))
          if (!kept.has(r.id)) await tx.run('DELETE FROM residents WHERE id = ? AND household_id = ?', [r.id, id]);
        for (const r of body.residents) {
          if (r.id === undefined) await tx.run(INSERT_RESIDENT, [id, r.name, r.birthYear ?? null]);
          else
            await tx.run('UPDATE residents SET name = ?, birth_year = ? WHERE id = ? AND household_id = ?', [
              r.name,
              r.birthYear ?? null,
              r.id,
              id,
            ]);
        }
      }),
    close: async (id, x) =>
      (await sql.run(
        'UPDATE households SET closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ? AND closed_at IS NULL',
        [x.at, x.by, x.reason, id],
      )) === 1,
    reopen: async (id) =>
      (await sql.run(
        "UPDATE households SET closed_at = NULL, closed_by = NULL, close_reason = '' WHERE id = ? AND closed_at IS NOT NULL",
        [id],
      )) === 1,
    get: async (id) => (await complete(await sql.all<HouseholdRow>(HOUSEHOLD_BY_ID, [id])))[0],
    list: async (filter = {}) => complete(await sql.all<HouseholdRow>(...listQuery(filter))),
    assignWatcher: async (h, u, level) =>
      void (await sql.run(
        'INSERT INTO household_watchers (household_id, user_id, level) VALUES (?, ?, ?) ON CONFLICT (household_id, user_id) DO UPDATE SET level = excluded.level',
        [h, u, level],
      )),
    unassignWatcher: async (h, u) =>
      (await sql.run('DELETE FROM household_watchers WHERE household_id = ? AND user_id = ?', [h, u])) > 0,
    isWatcherOf: async (u, h) => (await sql.get(IS_WATCHER, [u, h])) !== undefined,
    watchersOf: (h) => sql.all<HouseholdWatcher>(WATCHERS, [h]),
    async watcherUsersOf(ids) {
      if (ids.length === 0) return [];
      const [inIds, param] = sql.anyOf('household_id', ids);
      return sql.all<{ householdId: number; userId: number }>(
        `SELECT household_id AS "householdId", user_id AS "userId" FROM household_watchers WHERE ${inIds}`,
        [param],
      );
    },
    watchersInDistrict: (d) => sql.all<HouseholdWatcher>(WATCHERS_IN_DISTRICT, [d]),
    count: async () => Number((await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM households'))!.n),
  };
}
