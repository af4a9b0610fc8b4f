/**
 * `npm run admin -- <command>`: what an operator does from a shell on the hub machine.
 * Works on the database in TSUNAGU_DATA_DIR directly (the hub may be running: SQLite WAL allows it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { AuditAction } from '@tsunagu/protocol';
import { CreateUserBody, NewPassword, StaffRole } from '@tsunagu/protocol';
import { buildApp } from '../app';
import { loadConfigOrReport } from '../config';
import { databaseFile, openDatabase } from '../db/database';
import type { Hub } from '../hub';

const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  create-user <username> --role <cityhall|operator|listener|watcher> [--name <display name>]
              [--admin] [--shop <shopId>] [--watcher-kind <welfare|carenetwork|family|supervisor>]
              Reads the password from TSUNAGU_PASSWORD, or generates one and prints it.
  disable-user <username>         Disable an account (signs it out everywhere).
  enable-user <username>          Enable it again.
  reset-password <username>       New password from TSUNAGU_PASSWORD, or generated and printed.
  reset-2fa <username>            Turn off two-factor sign-in (lost phone): signs the user out; city
                                  hall staff set it up again at their next sign-in.
  list-users
  create-api-key <name> --role <role>   Prints the key on the last line (shown only once).
  revoke-api-key <id>
  list-api-keys
  issue-code <householdId> [--ttl-minutes <n>]   One-time terminal enrollment code.
  backup <file>                   Online backup of the database to <file> (safe while the hub runs).
  restore <file>                  Replace the database with <file> (stop the hub first).
  help`;

export class CliError extends Error {}

function parseArgs(argv: string[]): { positional: string[]; flags: Record<string, string | true> } {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const key = a.slice(2);
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        flags[key] = next;
        i++;
      } else flags[key] = true;
    } else positional.push(a);
  }
  return { positional, flags };
}

const str = (v: string | true | undefined, name: string): string => {
  if (typeof v !== 'string' || v === '') throw new CliError(`--${name} needs a value`);
  return v;
};
const int = (v: string | undefined, name: string): number => {
  if (v === undefined || !/^\d+$/.test(v)) throw new CliError(`${name} must be a positive whole number`);
  return Number(v);
};

function generatedPassword(): string {
  return require('node:crypto').randomBytes(12).toString('base64url') as string;
}

function passwordFromEnv(out: string[]): string {
  const p = process.env.TSUNAGU_PASSWORD;
  if (p !== undefined) {
    if (!Value.Check(NewPassword, p)) throw new CliError('TSUNAGU_PASSWORD must be at least 10 characters');
    return p;
  }
  const g = generatedPassword();
  out.push(`Generated password: ${g}`);
  return g;
}

/** Runs one command against `hub`; returns the lines to print. */
export async function runCommand(hub: Hub, argv: string[], dataDir: string): Promise<string[]> {
  const { positional, flags } = parseArgs(argv);
  const [command, ...rest] = positional;
  const out: string[] = [];
  const audit = (action: AuditAction, target: string | null, detail?: Record<string, unknown>) =>
    hub.ctx.audit.record({ actor: `cli:${process.env.USER ?? 'unknown'}`, action, target, detail, ip: null });
  const userNamed = async (name: string | undefined) => {
    if (!name) throw new CliError('Give the user name.');
    const u = await hub.stores.accounts.userByUsername(name);
    if (!u) throw new CliError(`No user named "${name}".`);
    return u;
  };

  switch (command) {
    case 'create-user': {
      const role = str(flags.role, 'role');
      if (!Value.Check(StaffRole, role)) throw new CliError('--role must be cityhall, operator, listener or watcher');
      const body = {
        username: rest[0] ?? '',
        displayName: typeof flags.name === 'string' ? flags.name : (rest[0] ?? ''),
        password: passwordFromEnv(out),
        role,
        ...(flags.admin ? { admin: true } : {}),
        ...(flags.shop !== undefined ? { shopId: int(str(flags.shop, 'shop'), '--shop') } : {}),
        ...(flags['watcher-kind'] !== undefined ? { watcherKind: str(flags['watcher-kind'], 'watcher-kind') } : {}),
      };
      if (!Value.Check(CreateUserBody, body)) {
        const first = [...Value.Errors(CreateUserBody, body)][0];
        throw new CliError(`Invalid user: ${first?.path ?? ''} ${first?.message ?? ''}`);
      }
      const user = await hub.services.accounts.createUser(body);
      await audit('user.created', `user:${user.id}:${user.username}`, { role: user.role, admin: user.admin });
      out.push(`Created ${user.role}${user.admin ? ' (admin)' : ''} "${user.username}" (id ${user.id}).`);
      break;
    }
    case 'disable-user':
    case 'enable-user': {
      const u = await userNamed(rest[0]);
      await hub.services.accounts.updateUser(u.id, { disabled: command === 'disable-user' });
      await audit(command === 'disable-user' ? 'user.disabled' : 'user.enabled', `user:${u.id}`);
      out.push(`${command === 'disable-user' ? 'Disabled' : 'Enabled'} "${u.username}".`);
      break;
    }
    case 'reset-password': {
      const u = await userNamed(rest[0]);
      await hub.services.accounts.resetPassword(u.id, passwordFromEnv(out));
      await audit('user.password_reset', `user:${u.id}`);
      out.push(`Password of "${u.username}" reset; their sessions were signed out.`);
      break;
    }
    case 'reset-2fa': {
      const u = await userNamed(rest[0]);
      const had = await hub.services.twoFactor.remove(u.id);
      await hub.services.accounts.signOutEverywhere(u.id);
      await audit('user.two_factor_reset', `user:${u.id}`);
      out.push(
        had
          ? `Two-factor sign-in of "${u.username}" reset; they were signed out${u.role === 'cityhall' ? ' and set it up again at their next sign-in' : ''}.`
          : `"${u.username}" had no two-factor sign-in; they were signed out.`,
      );
      break;
    }
    case 'list-users':
      for (const u of await hub.stores.accounts.listUsers()) {
        out.push(
          `${String(u.id).padStart(4)}  ${u.username.padEnd(16)} ${u.role}${u.admin ? '+admin' : ''}${u.shopId ? ` shop ${u.shopId}` : ''}${u.twoFactorEnabled ? ' 2FA' : ''}${u.disabled ? ' (disabled)' : ''}`,
        );
      }
      break;
    case 'create-api-key': {
      const role = str(flags.role, 'role');
      if (!Value.Check(StaffRole, role)) throw new CliError('--role must be cityhall, operator, listener or watcher');
      if (!rest[0]) throw new CliError('Give the key a name, e.g. create-api-key alert-gateway --role cityhall');
      const { id, key } = await hub.services.accounts.createApiKey(rest[0], role, null);
      await audit('apikey.created', `apikey:${id}`, { role, name: rest[0] });
      out.push(`Created API key ${id} "${rest[0]}" with role ${role}. It is shown only once:`);
      out.push(key);
      break;
    }
    case 'revoke-api-key': {
      const id = int(rest[0], 'id');
      await hub.services.accounts.revokeApiKey(id);
      await audit('apikey.revoked', `apikey:${id}`);
      out.push(`Revoked API key ${id}.`);
      break;
    }
    case 'list-api-keys':
      for (const k of await hub.stores.accounts.listApiKeys()) {
        out.push(
          `${String(k.id).padStart(4)}  ${k.name.padEnd(20)} ${k.role.padEnd(9)} ${k.prefix}…  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}`,
        );
      }
      break;
    case 'issue-code': {
      const householdId = int(rest[0], 'householdId');
      const ttl =
        flags['ttl-minutes'] !== undefined ? int(str(flags['ttl-minutes'], 'ttl-minutes'), '--ttl-minutes') : undefined;
      const { code, expiresAt } = await hub.services.terminals.issueCode(householdId, 'cli', ttl);
      await audit('terminal.code_issued', `household:${householdId}`);
      out.push(`Enrollment code for household ${householdId} (expires ${new Date(expiresAt).toISOString()}):`);
      out.push(code);
      break;
    }
    case 'backup': {
      const file = rest[0];
      if (!file) throw new CliError('Give the backup file, e.g. backup /var/backups/tsunagu.db');
      // The SQLite file next to a PostgreSQL hub holds none of its data: a copy of it would look like a backup.
      if (hub.ctx.sql.engine === 'postgres')
        throw new CliError(
          'This hub keeps its data in PostgreSQL (TSUNAGU_DATABASE_URL): back it up with pg_dump or pg_basebackup.',
        );
      const target = path.resolve(file);
      if (fs.existsSync(target)) throw new CliError(`${target} exists already: choose a new file name.`);
      const { totalPages } = await hub.ctx.db.backup(target);
      // A backup holds the same personal data as the database.
      fs.chmodSync(target, 0o600);
      const check = openDatabase(target, { migrate: false });
      const ok = check.pragma('integrity_check', { simple: true });
      check.close();
      if (ok !== 'ok') throw new CliError(`The backup failed its integrity check: ${String(ok)}`);
      await audit('database.backup', target);
      out.push(`Backed up ${totalPages} pages to ${target} (integrity ok).`);
      break;
    }
    case 'restore':
      throw new CliError('internal: restore is handled before the hub opens the database');
    case undefined:
    case 'help':
      out.push(USAGE);
      break;
    default:
      throw new CliError(`Unknown command "${command}".\n\n${USAGE}`);
  }
  void dataDir;
  return out;
}

/** Replaces the database with a backup: checked first, the old one kept beside it. */
export function restoreDatabase(dataDir: string, file: string): string[] {
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new CliError(`${source} does not exist.`);
  const check = openDatabase(source, { migrate: false });
  const ok = check.pragma('integrity_check', { simple: true });
  check.close();
  if (ok !== 'ok') throw new CliError(`${source} is damaged (integrity check: ${String(ok)}); nothing was changed.`);
  const dbFile = databaseFile(dataDir);
  const out: string[] = [];
  if (fs.existsSync(dbFile)) {
    const keep = `${dbFile}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    // Fold the WAL into the old file before moving it, so the kept copy is whole.
    const old = openDatabase(dbFile, { migrate: false });
    old.pragma('wal_checkpoint(TRUNCATE)');
    old.close();
    fs.renameSync(dbFile, keep);
    for (const suffix of ['-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
    out.push(`Kept the previous database as ${keep}.`);
  }
  fs.copyFileSync(source, dbFile);
  fs.chmodSync(dbFile, 0o600);
  const db = openDatabase(dbFile); // migrates an older backup forward
  db.close();
  out.push(`Restored ${source} into ${dbFile}. Start the hub.`);
  return out;
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  const config = loadConfigOrReport();
  if (!config) return 2;
  // Backups and anything else this command writes are for the hub's user only.
  process.umask(0o077);
  try {
    if (argv[0] === 'restore') {
      if (!argv[1]) throw new CliError('Give the backup file to restore.');
      if (config.database.engine === 'postgres')
        throw new CliError('This hub keeps its data in PostgreSQL: restore it with pg_restore or from a standby.');
      for (const line of restoreDatabase(config.dataDir, argv[1])) console.log(line);
      return 0;
    }
    const hub = await buildApp({ config, backgroundJobs: false });
    try {
      for (const line of await runCommand(hub, argv, config.dataDir)) console.log(line);
    } finally {
      await hub.app.close();
    }
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`Error: ${err.message}`);
      return 1;
    }
    const e = err as { code?: string; message?: string };
    if (e.code && e.message) {
      console.error(`Error (${e.code}): ${e.message}`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) {
  main().then((code) => process.exit(code));
}
