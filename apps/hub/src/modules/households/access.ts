/**
 * Which households a caller may see: city hall (people and city-hall API keys) all of them, a
 * watcher only those assigned to them, everyone else none. Machine callers are never watchers of
 * anything: a watcher-role API key has no assigned households and sees none.
 */
import type { Principal } from '../../lib/principal';
import type { HouseholdsStore } from './store';

/** Household ids the principal may see, or null for "all" (city hall). */
export async function visibleHouseholdIds(p: Principal | null, households: HouseholdsStore): Promise<number[] | null> {
  if (!p || p.kind === 'terminal') return [];
  if (p.kind === 'apikey') return p.role === 'cityhall' ? null : [];
  if (p.user.role === 'cityhall') return null;
  if (p.user.role === 'watcher') return (await households.list({ watcherUserId: p.user.id })).map((h) => h.id);
  return [];
}

/** Same rule for one household (cheaper than listing). */
export async function canSeeHousehold(
  p: Principal | null,
  householdId: number,
  households: HouseholdsStore,
): Promise<boolean> {
  if (!p || p.kind === 'terminal') return false;
  if (p.kind === 'apikey') return p.role === 'cityhall';
  if (p.user.role === 'watcher') return households.isWatcherOf(p.user.id, householdId);
  return p.user.role === 'cityhall';
}
