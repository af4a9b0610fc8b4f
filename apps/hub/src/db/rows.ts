/** Reading rows from prepared SQLite statements into the stores' records (SQL stays in each store). */
import type { Statement } from 'better-sqlite3';

/** The row `stmt` finds for `params`, as `map` makes it; undefined when there is none. */
export function one<Row, T>(stmt: Statement, map: (row: Row) => T, ...params: unknown[]): T | undefined {
  const row = stmt.get(...params) as Row | undefined;
  return row === undefined ? undefined : map(row);
}

/** Every row `stmt` finds for `params`, as `map` makes them. */
export function list<Row, T>(stmt: Statement, map: (row: Row) => T, ...params: unknown[]): T[] {
  return (stmt.all(...params) as Row[]).map(map);
}
