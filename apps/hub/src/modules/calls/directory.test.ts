/**
 * The calls' directory on both engines (the old synchronous reads found nothing on PostgreSQL):
 * households and staff loaded at start from the async stores; a renamed household, a re-enrolled
 * terminal and an erased name seen after `household.changed` (raised here or heard from another hub);
 * a household or user created since start read on first sight.
 */
import { DomainEventBus } from '../../lib/events';
import { ENGINES, type EngineDb, engineSql, openEngine } from '../../testing/engines';
import { until } from '../../testing/until';
import { createAccountsStore } from '../accounts/store';
import { createHouseholdsStore } from '../households/store';
import { createCallsDirectory } from './directory';

describe.each(ENGINES)('calls directory on %s', (engine) => {
  let db: EngineDb;
  let n = 0;
  beforeAll(async () => {
    db = await openEngine(engine);
  });
  afterAll(() => db.close());

  const enrol = async (householdId: number) => {
    await db.query('UPDATE terminals SET revoked_at = 1 WHERE household_id = ? AND revoked_at IS NULL', [householdId]);
    const rows = await db.query<{ id: number }>(
      'INSERT INTO terminals (household_id, credential_hash, enrolled_at) VALUES (?, ?, 0) RETURNING id',
      [householdId, `hash-${engine}-${++n}`],
    );
    return Number(rows[0]!.id);
  };

  it('follows households and staff from the stores, not the SQLite file', async () => {
    const sql = engineSql(db);
    const households = createHouseholdsStore(sql);
    const accounts = createAccountsStore(sql);
    const h = await db.newHousehold();
    const first = await enrol(h);
    const staff = await accounts.createUser(
      {
        username: `op-${engine}`,
        displayName: '山田',
        passwordHash: 'x',
        role: 'cityhall',
        admin: false,
        shopId: null,
        watcherKind: null,
      },
      0,
    );
    const events = new DomainEventBus();
    const log = { error: jest.fn() } as never;
    const directory = await createCallsDirectory({ events, log }, households, accounts);

    expect(directory.household(h)).toEqual({ name: 'h', terminalId: first });
    expect(directory.userName(staff)).toBe('山田');

    // Renamed, then a new terminal enrolled: seen once the change is told.
    await db.query("UPDATE households SET name = '佐藤' WHERE id = ?", [h]);
    events.emit('household.changed', { householdId: h });
    await until(() => directory.household(h)?.name === '佐藤');
    const second = await enrol(h);
    events.emit('household.changed', { householdId: h });
    await until(() => directory.household(h)?.terminalId === second);

    // Erased (and its terminal revoked): the name is forgotten; after a lost feed, all are read again.
    await db.query("UPDATE households SET name = '' WHERE id = ?", [h]);
    await db.query('UPDATE terminals SET revoked_at = 2 WHERE household_id = ?', [h]);
    events.emit('household.changed', { householdId: null });
    await until(() => directory.household(h)?.name === '');
    expect(directory.household(h)).toEqual({ name: '', terminalId: null });

    // Created since start: unknown at first sight, read then.
    const later = await db.newHousehold();
    expect(directory.household(later)).toBeUndefined();
    await until(() => directory.household(later)?.name === 'h');
    const newcomer = await accounts.createUser(
      {
        username: `op2-${engine}`,
        displayName: '鈴木',
        passwordHash: 'x',
        role: 'cityhall',
        admin: false,
        shopId: null,
        watcherKind: null,
      },
      0,
    );
    expect(directory.userName(newcomer)).toBeUndefined();
    await until(() => directory.userName(newcomer) === '鈴木');
    directory.rememberUser({ id: newcomer, displayName: '鈴木花子' });
    expect(directory.userName(newcomer)).toBe('鈴木花子');

    // A caller that can wait reads the household at once.
    const third = await enrol(later);
    expect(await directory.refreshHousehold(later)).toEqual({ name: 'h', terminalId: third });
    expect((log as { error: jest.Mock }).error).not.toHaveBeenCalled();
  });
});
