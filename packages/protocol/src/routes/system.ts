/** Routes of the REST table (api.ts): the hub's own health, for city hall. */
import * as ex from '../examples';
import { SystemStatus } from '../system';
import { type RouteKey, type RouteSpec, route, sample } from '../wire';

export const systemRoutes = {
  'GET /api/system/status': route({
    description: 'The readiness checks (database, migrations, disk, and those modules register), as /readyz.',
    response: { 200: sample(SystemStatus, ex.systemStatus) },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
