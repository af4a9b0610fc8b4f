/**
 * What the hub's core gives every capability module when it registers: the Fastify app, the
 * context, the core stores and services (accounts, households, terminals, shops). Capability
 * modules get each other's services as typed arguments (modules/capabilities.ts), not from here.
 */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from './context';
import type { Pg } from './db/postgres';
import type { AccountsService } from './modules/accounts/service';
import type { AccountsStore } from './modules/accounts/store';
import type { TwoFactorService } from './modules/accounts/two-factor';
import type { HouseholdsStore } from './modules/households/store';
import type { Shops } from './modules/shops/directory';
import type { TerminalsService } from './modules/terminals/service';
import type { TerminalsStore } from './modules/terminals/store';
import type { ApiRoute } from './plugins/auth';
import type { FastGets } from './plugins/fast-get';
import type { HeaderList } from './plugins/security-headers';

export interface HubCore {
  app: FastifyInstance;
  ctx: HubContext;
  stores: { accounts: AccountsStore; households: HouseholdsStore; terminals: TerminalsStore; shops: Shops };
  /** PostgreSQL's pool when the hub runs on it: for the write paths with statements of their own (check-ins). */
  pg: Pg | null;
  services: { accounts: AccountsService; terminals: TerminalsService; twoFactor: TwoFactorService };
  /** Every /api route with its declared access rule (for the role-matrix test and docs). */
  apiRoutes: ApiRoute[];
  /** The separate monitoring address serving /metrics, once the hub is ready (TSUNAGU_METRICS_LISTEN). */
  metricsAddress(): string | null;
  /** GETs answered before Fastify's router (plugins/fast-get.ts), with the headers every answer carries. */
  fast: { add: FastGets['add']; securityHeaders: HeaderList };
}
