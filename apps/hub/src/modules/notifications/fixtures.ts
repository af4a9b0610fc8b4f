/** Rows the notifications suites need on either engine: a person and an open watch alert to notify them of. */
import type { EngineDb } from '../../testing/engines';
import { engineSql } from '../../testing/engines';
import { createWatchStore } from '../watch/store';

let n = 0;

/** A new user (a watcher unless said), named 利用者N. */
export const newUser = async (db: EngineDb, role = 'watcher', disabled = 0) =>
  (
    await db.query<{ id: number }>(
      'INSERT INTO users (username, display_name, password_hash, role, disabled, created_at) VALUES (?, ?, ?, ?, ?, 0) RETURNING id',
      [`user${++n}`, `利用者${n}`, 'x', role, disabled],
    )
  )[0]!.id;

/** An open missed check-in alert of a new household. */
export const newAlert = async (db: EngineDb, openedAt = 1000) =>
  (await createWatchStore(engineSql(db)).create({
    kind: 'missed_checkin',
    householdId: await db.newHousehold(),
    districtId: 1,
    day: '2026-01-05',
    sinceAt: 0,
    level: 1,
    openedAt,
    nextStepAt: openedAt + 3_600_000,
    possibleOutage: false,
  }))!;
