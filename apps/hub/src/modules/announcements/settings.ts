/** City hall's announcement settings: the two-person rule for emergencies, and where districts lie (for CAP areas). */
import type { AnnouncementSettings, DistrictCentroid } from '@tsunagu/protocol';
import { badRequest } from '../../lib/errors';
import type { HouseholdsStore } from '../households/store';
import type { AnnouncementsStore } from './store';

const REQUIRE_APPROVAL_KEY = 'require_emergency_approval';
const CENTROIDS_KEY = 'district_centroids';

export interface Settings {
  get(): Promise<AnnouncementSettings>;
  set(s: AnnouncementSettings): Promise<AnnouncementSettings>;
  /** District centroids used to match CAP polygons and circles. */
  centroids(): Promise<DistrictCentroid[]>;
  setCentroids(list: DistrictCentroid[]): Promise<DistrictCentroid[]>;
}

export function createSettings(
  store: AnnouncementsStore,
  households: Pick<HouseholdsStore, 'districtExists'>,
): Settings {
  const settings: Settings = {
    get: async () => ({ requireEmergencyApproval: (await store.getSetting(REQUIRE_APPROVAL_KEY)) === 'true' }),
    async set(s) {
      await store.setSetting(REQUIRE_APPROVAL_KEY, String(s.requireEmergencyApproval));
      return settings.get();
    },
    async centroids() {
      try {
        return JSON.parse((await store.getSetting(CENTROIDS_KEY)) ?? '[]') as DistrictCentroid[];
      } catch {
        return [];
      }
    },
    async setCentroids(list) {
      const unknown: DistrictCentroid[] = [];
      for (const c of list) if (!(await households.districtExists(c.districtId))) unknown.push(c);
      if (unknown.length) {
        throw badRequest(
          'UNKNOWN_DISTRICT',
          `No such district: ${unknown.map((c) => c.districtId).join(', ')}.`,
          unknown.map((c) => ({ path: 'body.centroids', message: `district ${c.districtId} does not exist` })),
        );
      }
      await store.setSetting(CENTROIDS_KEY, JSON.stringify(list));
      return settings.centroids();
    },
  };
  return settings;
}
