/** SQL for districts, households, residents and their watchers. */
import type { CreateHouseholdBody, District, Household, UpdateHouseholdBody, WatcherKind } from '@tsunagu/protocol';
import type { Db } from '../../db/database';

export interface HouseholdWatcher {
  userId: number;
  level: number;
  watcherKind: WatcherKind | null;
}

export interface HouseholdsStore {
  listDistricts(): District[];
  districtExists(id: number): boolean;
  createDistrict(d: { code: string; name: string; nameEn: string }): number;
  create(body: CreateHouseholdBody, now: number): number;
  update(id: number, body: UpdateHouseholdBody): void;
  get(id: number): Household | undefined;
  list(filter?: { watcherUserId?: number; districtId?: number }): Household[];
  assignWatcher(householdId: number, userId: number, level: number): void;
  unassignWatcher(householdId: number, userId: number): boolean;
  isWatcherOf(userId: number, householdId: number): boolean;
  watchersOf(householdId: number): HouseholdWatcher[];
  count(): number;
}

interface HouseholdRow {
  id: number;
  name: string;
  address: string;
  district_id: number;
  phone: string | null;
  language: 'ja' | 'en';
  needs_assistance: number;
  notes: string;
  terminal_id: number | null;
  online: number | null;
  last_seen_at: number | null;
}

export function createSqliteHouseholdsStore(db: Db): HouseholdsStore {
  const base = `SELECT h.*, t.id AS terminal_id, t.online, t.last_seen_at FROM households h
    LEFT JOIN terminals t ON t.household_id = h.id AND t.revoked_at IS NULL`;
  const s = {
    districts: db.prepare('SELECT id, code, name, name_en AS nameEn FROM districts ORDER BY id'),
    districtExists: db.prepare('SELECT 1 FROM districts WHERE id = ?'),
    insertDistrict: db.prepare('INSERT INTO districts (code, name, name_en) VALUES (?, ?, ?)'),
    insert: db.prepare(
      `INSERT INTO households (name, address, district_id, phone, language, needs_assistance, notes, created_at)
       VALUES (@name, @address, @districtId, @phone, @language, @needsAssistance, @notes, @now)`,
    ),
    insertResident: db.prepare('INSERT INTO residents (household_id, name, birth_year) VALUES (?, ?, ?)'),
    get: db.prepare(`${base} WHERE h.id = ?`),
    all: db.prepare(`${base} ORDER BY h.id`),
    byDistrict: db.prepare(`${base} WHERE h.district_id = ? ORDER BY h.id`),
    byWatcher: db.prepare(
      `${base} JOIN household_watchers w ON w.household_id = h.id WHERE w.user_id = ? ORDER BY h.id`,
    ),
    residents: db.prepare('SELECT id, name, birth_year AS birthYear FROM residents WHERE household_id = ? ORDER BY id'),
    watchers: db.prepare(
      `SELECT w.user_id AS userId, w.level, u.watcher_kind AS watcherKind FROM household_watchers w
       JOIN users u ON u.id = w.user_id WHERE w.household_id = ? ORDER BY w.level, w.user_id`,
    ),
    assign: db.prepare(
      'INSERT INTO household_watchers (household_id, user_id, level) VALUES (?, ?, ?) ON CONFLICT (household_id, user_id) DO UPDATE SET level = excluded.level',
    ),
    unassign: db.prepare('DELETE FROM household_watchers WHERE household_id = ? AND user_id = ?'),
    isWatcher: db.prepare('SELECT 1 FROM household_watchers WHERE user_id = ? AND household_id = ?'),
    count: db.prepare('SELECT COUNT(*) AS n FROM households'),
  };

  const toHousehold = (r: HouseholdRow): Household => ({
    id: r.id,
    name: r.name,
    address: r.address,
    districtId: r.district_id,
    phone: r.phone,
    language: r.language,
    needsAssistance: r.needs_assistance === 1,
    notes: r.notes,
    residents: s.residents.all(r.id) as Household['residents'],
    watcherIds: (s.watchers.all(r.id) as { userId: number }[]).map((w) => w.userId),
    terminal:
      r.terminal_id == null
        ? null
        : {
            id: r.terminal_id,
            online: r.online === 1,
            lastSeenAt: r.last_seen_at == null ? null : new Date(r.last_seen_at).toISOString(),
            revoked: false,
          },
  });

  return {
    listDistricts: () => s.districts.all() as District[],
    districtExists: (id) => s.districtExists.get(id) !== undefined,
    createDistrict: (d) => Number(s.insertDistrict.run(d.code, d.name, d.nameEn).lastInsertRowid),
    create(body, now) {
      return db.transaction(() => {
        const id = Number(
          s.insert.run({
            name: body.name,
            address: body.address,
            districtId: body.districtId,
            phone: body.phone ?? null,
            language: body.language ?? 'ja',
            needsAssistance: body.needsAssistance ? 1 : 0,
            notes: body.notes ?? '',
            now,
          }).lastInsertRowid,
        );
        for (const r of body.residents ?? []) s.insertResident.run(id, r.name, r.birthYear ?? null);
        return id;
      })();
    },
    update(id, body) {
      const columns: Record<string, string> = {
        name: 'name',
        address: 'address',
        districtId: 'district_id',
        phone: 'phone',
        language: 'language',
        needsAssistance: 'needs_assistance',
        notes: 'notes',
      };
      const sets: string[] = [];
      const values: (string | number | null)[] = [];
      for (const [key, column] of Object.entries(columns)) {
        const v = (body as Record<string, unknown>)[key];
        if (v === undefined) continue;
        sets.push(`${column} = ?`);
        values.push(typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | number | null));
      }
      if (sets.length) db.prepare(`UPDATE households SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    },
    get(id) {
      const r = s.get.get(id) as HouseholdRow | undefined;
      return r && toHousehold(r);
    },
    list(filter = {}) {
      const rows = (
        filter.watcherUserId !== undefined
          ? s.byWatcher.all(filter.watcherUserId)
          : filter.districtId !== undefined
            ? s.byDistrict.all(filter.districtId)
            : s.all.all()
      ) as HouseholdRow[];
      return rows.map(toHousehold);
    },
    assignWatcher: (h, u, level) => void s.assign.run(h, u, level),
    unassignWatcher: (h, u) => s.unassign.run(h, u).changes > 0,
    isWatcherOf: (u, h) => s.isWatcher.get(u, h) !== undefined,
    watchersOf: (h) => s.watchers.all(h) as HouseholdWatcher[],
    count: () => (s.count.get() as { n: number }).n,
  };
}
