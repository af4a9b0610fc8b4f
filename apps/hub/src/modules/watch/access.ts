/** Who may see which households and alerts: watchers their assigned households, city hall all. */
import type { Principal } from '../../lib/principal';
import { canSeeHousehold, visibleHouseholdIds } from '../households/access';
import type { HouseholdsStore } from '../households/store';
import type { AlertRecord } from './store';

export { visibleHouseholdIds };

/**
 * A district outage concerns every household of the district: city hall and professional watchers
 * (welfare, care network, supervisors) see it; a family member watches their own household only.
 */
export function seesDistrictAlerts(p: Principal | null): boolean {
  if (!p || p.kind === 'terminal') return false;
  if (p.kind === 'apikey') return p.role === 'cityhall';
  return p.user.role === 'cityhall' || (p.user.role === 'watcher' && p.user.watcherKind !== 'family');
}

export async function canSeeAlert(p: Principal | null, a: AlertRecord, households: HouseholdsStore): Promise<boolean> {
  if (a.householdId !== null) return canSeeHousehold(p, a.householdId, households);
  if (!seesDistrictAlerts(p)) return false;
  const visible = await visibleHouseholdIds(p, households);
  if (visible === null) return true;
  // A district alert: the (professional) watchers of any household in that district.
  return visible.length > 0 && (await households.list({ ids: visible, districtId: a.districtId })).length > 0;
}

/** Districts whose district-wide alerts the principal sees, given the households they see. */
export async function visibleDistrictIds(
  p: Principal | null,
  ids: number[],
  households: HouseholdsStore,
): Promise<number[]> {
  if (!seesDistrictAlerts(p) || ids.length === 0) return [];
  return [...new Set((await households.list({ ids, includeClosed: true })).map((h) => h.districtId))];
}
