/**
 * What the live calls know of households and staff, kept in memory: they build their views and ring
 * a callback's terminal within one turn of the event loop, so they cannot wait on the database (as
 * the shops' directory, shops/directory.ts). Only what they use: a household's name and active
 * terminal, a user's display name.
 *
 * Loaded from the stores at start (either engine). A household is read again when it changes
 * (`household.changed`: an edit, an erasure, a terminal enrolled or revoked, here or on another hub
 * through the change feed; null after a reconnection: all of them). A household or user not known
 * yet (created since) is read on first sight and is there from the next view on; a staff member's
 * name is refreshed when their console connects (`rememberUser`).
 */
import type { User } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import type { AccountsStore } from '../accounts/store';
import type { HouseholdsStore } from '../households/store';

export interface CallsHousehold {
  name: string;
  terminalId: number | null;
}

export interface CallsDirectory {
  household(id: number): CallsHousehold | undefined;
  userName(id: number): string | undefined;
  rememberUser(user: Pick<User, 'id' | 'displayName'>): void;
  /** Reads the household again (awaited by a caller that can wait, e.g. before ringing it). */
  refreshHousehold(id: number): Promise<CallsHousehold | undefined>;
}

type HouseholdsReads = Pick<HouseholdsStore, 'get' | 'list'>;
type AccountsReads = Pick<AccountsStore, 'userById' | 'listUsers'>;

const entry = (h: { name: string; terminal?: { id: number } | null }): CallsHousehold => ({
  name: h.name,
  terminalId: h.terminal?.id ?? null,
});

export async function createCallsDirectory(
  ctx: Pick<HubContext, 'events' | 'log'>,
  households: HouseholdsReads,
  accounts: AccountsReads,
): Promise<CallsDirectory> {
  const homes = new Map<number, CallsHousehold>();
  const users = new Map<number, string>();
  // Reads of one household in the order asked for: the last one asked for is the one kept.
  const reads = new Map<number, Promise<CallsHousehold | undefined>>();
  let generation = 0;
  // Households read one by one while a full reload was on its way: theirs is newer than the list's.
  const readSince = new Set<number>();

  function refreshHousehold(id: number): Promise<CallsHousehold | undefined> {
    const before = reads.get(id) ?? Promise.resolve(undefined);
    const read = before
      .catch(() => undefined)
      .then(async () => {
        const h = await households.get(id);
        if (h) homes.set(id, entry(h));
        else homes.delete(id);
        readSince.add(id);
        return homes.get(id);
      });
    reads.set(id, read);
    void read
      .catch((err) => ctx.log.error({ err, householdId: id }, 'household not read for the calls'))
      .finally(() => reads.get(id) === read && reads.delete(id));
    return read;
  }
  async function reloadAll() {
    const mine = ++generation;
    readSince.clear();
    const all = await households.list({ includeClosed: true });
    if (mine !== generation) return;
    const kept = new Map([...readSince].map((id) => [id, homes.get(id)] as const));
    homes.clear();
    for (const h of all) homes.set(h.id, entry(h));
    for (const [id, h] of kept) {
      if (h) homes.set(id, h);
      else homes.delete(id);
    }
  }

  await reloadAll();
  for (const u of await accounts.listUsers()) users.set(u.id, u.displayName);
  ctx.events.on('household.changed', (e) => {
    if (e.householdId !== null) void refreshHousehold(e.householdId).catch(() => undefined);
    else void reloadAll().catch((err) => ctx.log.error({ err }, 'households not reloaded for the calls'));
  });

  const loadingUsers = new Set<number>();
  return {
    household(id) {
      const h = homes.get(id);
      if (!h && !reads.has(id)) void refreshHousehold(id).catch(() => undefined);
      return h;
    },
    userName(id) {
      const name = users.get(id);
      if (name === undefined && !loadingUsers.has(id)) {
        loadingUsers.add(id);
        accounts
          .userById(id)
          .then((u) => u && !users.has(id) && users.set(id, u.displayName))
          .catch((err) => ctx.log.error({ err, userId: id }, 'user not read for the calls'))
          .finally(() => loadingUsers.delete(id));
      }
      return name;
    },
    rememberUser: (user) => void users.set(user.id, user.displayName),
    refreshHousehold,
  };
}
