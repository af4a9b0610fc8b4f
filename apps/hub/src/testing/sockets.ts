/**
 * The hub's socket plugin on a bare Fastify app, for the plugin's own tests: no sessions and no API
 * keys, terminals known by the given credential check.
 */
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../lib/principal';
import { createMetrics } from '../plugins/metrics';
import { createSockets, type HubSockets } from '../plugins/socket';

export function socketsWithTerminals(
  app: FastifyInstance,
  terminal: (credential: string) => Principal | null,
): HubSockets {
  return createSockets(app, {
    auth: { session: () => null, apiKey: () => null, terminal },
    publicUrl: 'http://127.0.0.1',
    metrics: createMetrics().socketEvents,
    failure: undefined,
    sessions: { isLive: () => true },
    trustProxy: false,
  });
}

/** One terminal, credential "here": terminal 1 of household 7. */
export const ONE_TERMINAL = (credential: string): Principal | null =>
  credential === 'here' ? { kind: 'terminal', terminalId: 1, householdId: 7 } : null;
