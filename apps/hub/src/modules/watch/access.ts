/** Who may see which households and alerts: watchers their assigned households, city hall all. */
import type { Principal } from '../../lib/principal';
import { canSeeHousehold } from '../households/routes';
import type { HouseholdsStore } from '../households/store';
import type { AlertRecord } from './store';

/** Household ids the principal may see, or null for "all" (city hall). */
export function visibleHouseholdIds(p: Principal | null, households: HouseholdsStore): number[] | null {
  if (!p || p.kind === 'terminal') return [];
  if (p.kind === 'user' && p.user.role === 'watcher')
    return households.list({ watcherUserId: p.user.id }).map((h) => h.id);
  if (p.kind === 'apikey') return p.role === 'cityhall' ? null : [];
  return p.user.role === 'cityhall' ? null : [];
}

export function canSeeAlert(p: Principal | null, a: AlertRecord, households: HouseholdsStore): boolean {
  if (a.householdId !== null) return canSeeHousehold(p, a.householdId, households);
  const visible = visibleHouseholdIds(p, households);
  if (visible === null) return true;
  // A district alert: watchers of any household in that district.
  return visible.some((id) => households.get(id)?.districtId === a.districtId);
}

export function visibleDistrictIds(ids: number[], households: HouseholdsStore): number[] {
  return [...new Set(ids.map((id) => households.get(id)?.districtId).filter((d): d is number => d !== undefined))];
}
