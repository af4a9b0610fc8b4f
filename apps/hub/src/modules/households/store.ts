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
  /** Several households in one transaction (an import): all are stored or none. */
  createMany(bodies: readonly CreateHouseholdBody[], now: number): number[];
  update(id: number, body: UpdateHouseholdBody): void;
  close(id: number, x: { at: number; by: string; reason: string }): boolean;
  reopen(id: number): boolean;
  get(id: number): Household | undefined;
  /** Open households (closed ones too with `includeClosed`), by id. */
  list(filter?: { watcherUserId?: number; districtId?: number; includeClosed?: boolean }): Household[];
  assignWatcher(householdId: number, userId: number, level: number): void;
  unassignWatcher(householdId: number, userId: number): boolean;
  isWatcherOf(userId: number, householdId: number): boolean;
  watchersOf(householdId: number): HouseholdWatcher[];
  count(): number;
}

interface HouseholdRow {
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

export function createSqliteHouseholdsStore(db: Db): HouseholdsStore {
  const base = `SELECT h.*, t.id AS terminal_id, t.online, t.last_seen_at FROM households h
    LEFT JOIN terminals t ON t.household_id = h.id AND t.revoked_at IS NULL`;
  const s = {
    districts: db.prepare('SELECT id, code, name, name_en AS nameEn FROM districts ORDER BY id'),
    districtExists: db.prepare('SELECT 1 FROM districts WHERE id = ?'),
    insertDistrict: db.prepare('INSERT INTO districts (code, name, name_en) VALUES (?, ?, ?)'),
    insert: db.prepare(
      `INSERT INTO households (name, kana, address, district_id, phone, language, needs_assistance, assistance_reason, notes, created_at)
       VALUES (@name, @kana, @address, @districtId, @phone, @language, @needsAssistance, @assistanceReason, @notes, @now)`,
    ),
    insertResident: db.prepare('INSERT INTO residents (household_id, name, birth_year) VALUES (?, ?, ?)'),
    renameResident: db.prepare('UPDATE residents SET name = ?, birth_year = ? WHERE id = ? AND household_id = ?'),
    deleteResident: db.prepare('DELETE FROM residents WHERE id = ? AND household_id = ?'),
    close: db.prepare(
      'UPDATE households SET closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ? AND closed_at IS NULL',
    ),
    reopen: db.prepare(
      "UPDATE households SET closed_at = NULL, closed_by = NULL, close_reason = '' WHERE id = ? AND closed_at IS NOT NULL",
    ),
    get: db.prepare(`${base} WHERE h.id = ?`),
    all: db.prepare(`${base} WHERE (? OR h.closed_at IS NULL) ORDER BY h.id`),
    byDistrict: db.prepare(`${base} WHERE h.district_id = ? AND (? OR h.closed_at IS NULL) ORDER BY h.id`),
    byWatcher: db.prepare(
      `${base} JOIN household_watchers w ON w.household_id = h.id WHERE w.user_id = ? AND (? OR h.closed_at IS NULL) ORDER BY h.id`,
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
    // A closed household is no longer watched: its watchers stop seeing it.
    isWatcher: db.prepare(
      'SELECT 1 FROM household_watchers w JOIN households h ON h.id = w.household_id WHERE w.user_id = ? AND w.household_id = ? AND h.closed_at IS NULL',
    ),
    count: db.prepare('SELECT COUNT(*) AS n FROM households'),
  };

  const toHousehold = (r: HouseholdRow): Household => ({
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
    closedAt: r.closed_at == null ? null : new Date(r.closed_at).toISOString(),
    closeReason: r.close_reason,
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

  const insertOne = (body: CreateHouseholdBody, now: number): number => {
    const id = Number(
      s.insert.run({
        name: body.name,
        kana: body.kana ?? '',
        address: body.address,
        districtId: body.districtId,
        phone: body.phone ?? null,
        language: body.language ?? 'ja',
        needsAssistance: body.needsAssistance ? 1 : 0,
        assistanceReason: body.assistanceReason ?? '',
        notes: body.notes ?? '',
        now,
      }).lastInsertRowid,
    );
    for (const r of body.residents ?? []) s.insertResident.run(id, r.name, r.birthYear ?? null);
    return id;
  };
  const columns: Record<string, string> = {
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
  const update = db.transaction((id: number, body: UpdateHouseholdBody) => {
    const sets: string[] = [];
    const values: (string | number | null)[] = [];
    for (const [key, column] of Object.entries(columns)) {
      const v = (body as Record<string, unknown>)[key];
      if (v === undefined) continue;
      sets.push(`${column} = ?`);
      values.push(typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | number | null));
    }
    if (sets.length) db.prepare(`UPDATE households SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    if (body.residents) {
      const kept = new Set(body.residents.flatMap((r) => (r.id === undefined ? [] : [r.id])));
      for (const r of s.residents.all(id) as { id: number }[]) if (!kept.has(r.id)) s.deleteResident.run(r.id, id);
      for (const r of body.residents) {
        if (r.id === undefined) s.insertResident.run(id, r.name, r.birthYear ?? null);
        else s.renameResident.run(r.name, r.birthYear ?? null, r.id, id);
      }
    }
  });

  return {
    listDistricts: () => s.districts.all() as District[],
    districtExists: (id) => s.districtExists.get(id) !== undefined,
    createDistrict: (d) => Number(s.insertDistrict.run(d.code, d.name, d.nameEn).lastInsertRowid),
    create: (body, now) => db.transaction(() => insertOne(body, now))(),
    createMany: (bodies, now) => db.transaction(() => bodies.map((b) => insertOne(b, now)))(),
    update: (id, body) => update(id, body),
    close: (id, x) => s.close.run(x.at, x.by, x.reason, id).changes === 1,
    reopen: (id) => s.reopen.run(id).changes === 1,
    get(id) {
      const r = s.get.get(id) as HouseholdRow | undefined;
      return r && toHousehold(r);
    },
    list(filter = {}) {
      const closed = filter.includeClosed ? 1 : 0;
      const rows = (
        filter.watcherUserId !== undefined
          ? s.byWatcher.all(filter.watcherUserId, closed)
          : filter.districtId !== undefined
            ? s.byDistrict.all(filter.districtId, closed)
            : s.all.all(closed)
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
