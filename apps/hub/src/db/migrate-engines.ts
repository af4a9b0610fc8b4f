/**
 * One migration file, two engines. The SQLite migrations (db/migrations) are the only source of the
 * schema: PostgreSQL runs the same files, translated by the few mechanical rules below. What truly
 * differs per engine (trigger bodies, SQLite's table rebuilds) is written once per engine in the
 * same file, between marker lines that are SQL comments to SQLite:
 *
 *   -- sqlite-only: why
 *   …statements only SQLite runs…
 *   -- postgres-only: why
 *   …statements only PostgreSQL runs, untranslated…
 *   -- end
 *
 * A marker opens a block that lasts until the next marker or `-- end`. Anything the translation does
 * not know how to carry over is refused by name, so a new migration that needs a PostgreSQL form of
 * its own fails the schema test instead of running half right.
 */

export type MigrationEngine = 'sqlite' | 'postgres';

interface Part {
  engine: MigrationEngine | 'both';
  text: string;
}

const MARKER = /^-- (sqlite|postgres)-only(?::.*)?$|^-- end$/;

/** The file cut into shared parts and per-engine blocks (marker lines belong to no part). */
function parts(source: string, file: string): Part[] {
  const result: Part[] = [];
  let current: Part = { engine: 'both', text: '' };
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m) {
      current.text += i === lines.length - 1 ? line : `${line}\n`;
      return;
    }
    if (!m[1] && current.engine === 'both') throw new Error(`${file}:${i + 1}: "-- end" closes no block`);
    result.push(current);
    current = { engine: (m[1] as MigrationEngine | undefined) ?? 'both', text: '' };
  });
  if (current.engine !== 'both')
    throw new Error(`${file}: a -- ${current.engine}-only block is not closed by "-- end"`);
  result.push(current);
  return result;
}

/**
 * What SQLite runs: the file without its PostgreSQL-only blocks. Marker lines stay (comments), and
 * blocks lie between statements, so SQLite runs the very statements it ran before markers existed.
 */
export function sqliteText(source: string, file = 'migration'): string {
  parts(source, file); // refuses unbalanced markers on SQLite too
  let inPostgresBlock = false;
  return source
    .split('\n')
    .filter((line) => {
      const m = MARKER.exec(line);
      if (m) inPostgresBlock = m[1] === 'postgres';
      return !inPostgresBlock;
    })
    .join('\n');
}

/** What PostgreSQL runs: the shared parts translated, its own blocks as written, SQLite's left out. */
export function postgresText(source: string, file = 'migration'): string {
  const blocks = parts(source, file);
  // A migration that turns foreign keys off is a SQLite table rebuild (migrate.ts): on PostgreSQL
  // it would drop a table others refer to. Its PostgreSQL form alters the table in place.
  if (/^-- migrate: foreign_keys=off/.test(source) && !blocks.some((p) => p.engine === 'sqlite'))
    throw new Error(
      `${file}: a table rebuild (foreign_keys=off) belongs in a "-- sqlite-only:" block, with its ALTER TABLE form in a "-- postgres-only:" block`,
    );
  return blocks
    .filter((p) => p.engine !== 'sqlite')
    .map((p) => (p.engine === 'both' ? translateToPostgres(p.text, file) : p.text))
    .join('');
}

/** SQLite features with no mechanical PostgreSQL form: each needs a pair of per-engine blocks. */
const REFUSED: [RegExp, string][] = [
  [/\bCREATE\s+TRIGGER\b/i, 'CREATE TRIGGER (trigger bodies differ: RAISE(ABORT) / a plpgsql function)'],
  [/\bRAISE\s*\(/i, 'RAISE()'],
  [/\b(unixepoch|strftime|datetime|julianday|date|time)\s*\(/i, "SQLite's date and time functions"],
  [/\bAUTOINCREMENT\b/i, 'AUTOINCREMENT'],
  [/\b(INSERT|REPLACE)\s+OR\s+\w+|\bREPLACE\s+INTO\b/i, 'INSERT OR … / REPLACE INTO (use ON CONFLICT)'],
  [/\bjson_(?!valid\s*\(|type\s*\(\s*\w+\s*\)\s*=\s*'(array|object)')\w*/i, 'this JSON function'],
  [/\bGLOB\b(?!\s*'[^']*')/i, 'GLOB with anything but a pattern literal'],
  [/\bsqlite_\w+/i, "SQLite's own tables"],
  [/\bWITHOUT\s+ROWID\b/i, 'WITHOUT ROWID other than in ") STRICT, WITHOUT ROWID;"'],
];

/**
 * A GLOB pattern as a POSIX regular expression matching the same strings: `*` any run, `?` one
 * character, `[…]` as it is (both negate with `^`), anchored at each end that is not a `*`.
 */
export function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) throw new Error(`GLOB pattern ${glob}: "[" is not closed`);
      out += glob.slice(i, close + 1);
      i = close;
    } else out += /[\\^$.|+(){}]/.test(c) ? `\\${c}` : c;
  }
  const start = out.startsWith('.*') ? out.slice(2) : `^${out}`;
  return start.endsWith('.*') ? start.slice(0, -2) : `${start}$`;
}

/**
 * SQLite DDL as PostgreSQL DDL: INTEGER is BIGINT (a bare `INTEGER PRIMARY KEY`, SQLite's generated
 * rowid, is an identity column; one that also references or checks something is a plain key), BLOB is
 * BYTEA, REAL is DOUBLE PRECISION, the STRICT / WITHOUT ROWID table endings go, PRAGMAs are skipped,
 * `json_valid(x)` is a cast to json, `json_type(x) = 'array'` is `json_typeof`, GLOB is `~`.
 */
export function translateToPostgres(sql: string, file = 'migration'): string {
  const code = sql
    .replace(/^\s*PRAGMA\b[^;]*;[^\S\n]*\n?/gim, '')
    .replace(/\)\s*STRICT(\s*,\s*WITHOUT\s+ROWID)?\s*;/gi, ');');
  // Comments may say anything; only statements are checked.
  const statements = code.replace(/--.*$/gm, '');
  for (const [pattern, what] of REFUSED) {
    const m = pattern.exec(statements);
    if (m)
      throw new Error(
        `${file}: ${what} has no PostgreSQL translation ("${m[0]}"): write it in a "-- sqlite-only:" block and its PostgreSQL form in a "-- postgres-only:" block`,
      );
  }
  return code
    .replace(/\bINTEGER\s+PRIMARY\s+KEY\b(?=\s*(,|$|--))/gim, 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
    .replace(/\bINTEGER\b/gi, 'BIGINT')
    .replace(/\bBLOB\b/gi, 'BYTEA')
    .replace(/\bREAL\b/gi, 'DOUBLE PRECISION')
    .replace(/\bjson_valid\s*\(\s*(\w+)\s*\)/gi, '($1::json IS NOT NULL)')
    .replace(/\bjson_type\s*\(\s*(\w+)\s*\)/gi, 'json_typeof($1::json)')
    .replace(
      /\b(NOT\s+)?GLOB\s*'([^']*)'/gi,
      (_, not: string | undefined, glob: string) => `${not ? '!~' : '~'} '${globToRegex(glob)}'`,
    );
}
