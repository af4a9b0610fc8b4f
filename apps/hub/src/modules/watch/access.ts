/** Who may see which households and alerts: watchers their assigned households, city hall all. */
import type { Principal } from '../../lib/principal';
import { canSeeHousehold, visibleHouseholdIds } from '../households/access';
import type { HouseholdsStore } from '../households/store';
import type { AlertRecord } from './store';

export { visibleHouseholdIds };

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
