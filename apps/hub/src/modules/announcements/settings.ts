/** City hall's announcement settings: the two-person rule for emergencies, and where districts lie (for CAP areas). */
import type { AnnouncementSettings, DistrictCentroid } from '@tsunagu/protocol';
import { badRequest } from '../../lib/errors';
import type { HouseholdReads } from '../households/sqlite-reads';
import type { AnnouncementsStore } from './store';

const REQUIRE_APPROVAL_KEY = 'require_emergency_approval';
const CENTROIDS_KEY = 'district_centroids';

export interface Settings {
  get(): AnnouncementSettings;
  set(s: AnnouncementSettings): AnnouncementSettings;
  /** District centroids used to match CAP polygons and circles. */
  centroids(): DistrictCentroid[];
  setCentroids(list: DistrictCentroid[]): DistrictCentroid[];
}

export function createSettings(store: AnnouncementsStore, households: HouseholdReads): Settings {
  const settings: Settings = {
    get: () => ({ requireEmergencyApproval: store.getSetting(REQUIRE_APPROVAL_KEY) === 'true' }),
    set(s) {
      store.setSetting(REQUIRE_APPROVAL_KEY, String(s.requireEmergencyApproval));
      return settings.get();
    },
    centroids() {
      try {
        return JSON.parse(store.getSetting(CENTROIDS_KEY) ?? '[]') as DistrictCentroid[];
      } catch {
        return [];
      }
    },
    setCentroids(list) {
      const unknown = list.filter((c) => !households.districtExists(c.districtId));
      if (unknown.length) {
        throw badRequest(
          'UNKNOWN_DISTRICT',
          `No such district: ${unknown.map((c) => c.districtId).join(', ')}.`,
          unknown.map((c) => ({ path: 'body.centroids', message: `district ${c.districtId} does not exist` })),
        );
      }
      store.setSetting(CENTROIDS_KEY, JSON.stringify(list));
      return settings.centroids();
    },
  };
  return settings;
}
