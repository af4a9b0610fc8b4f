/**
 * The data folder holds residents' personal data and must be private to the hub's own user:
 * folders 0700, files 0600. The hub creates them so (and runs with umask 077); at start it looks
 * for anything an operator has opened up since and says so plainly.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Enough for the database, its WAL and years of voice clips; a start must stay quick. */
const MAX_ENTRIES = 20_000;

/** Creates `dir` (and its parents) private to this user, if it does not exist. */
export function makePrivateDir(dir: string): void {
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** One line per path under `dataDir` (itself included) that other users may read or write. */
export function checkDataPermissions(dataDir: string): string[] {
  const problems: string[] = [];
  let seen = 0;
  const visit = (p: string) => {
    if (++seen > MAX_ENTRIES) return;
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(p);
    } catch {
      return; // removed meanwhile (e.g. the -shm file)
    }
    if (stat.isSymbolicLink()) return;
    const mode = stat.mode & 0o777;
    if (mode & 0o077) {
      const how = mode & 0o044 ? 'readable' : 'writable';
      problems.push(`${p} is ${how} by other users (mode ${mode.toString(8)})`);
    }
    if (stat.isDirectory()) for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name));
  };
  visit(dataDir);
  return problems;
}

/** What the hub prints when `checkDataPermissions` found something. */
export function permissionWarning(dataDir: string, problems: string[]): string {
  const shown = problems.slice(0, 10);
  return [
    'WARNING: the data folder holds residents’ personal data but other users on this machine can open it:',
    ...shown.map((p) => `  - ${p}`),
    ...(problems.length > shown.length ? [`  - …and ${problems.length - shown.length} more`] : []),
    `  Fix it with: chmod -R go-rwx ${dataDir}`,
  ].join('\n');
}
