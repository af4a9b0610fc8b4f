/**
 * The capability modules the hub is made of, registered after the core (accounts, households,
 * terminals, shops). Each takes the core and, as typed arguments, the capabilities it needs: the
 * order below is the dependency order, and the compiler checks that nothing is used before it
 * exists. To add one, see docs/architecture.md ("Adding a capability").
 */
import type { HubCore } from '../core';
import { registerAnnouncements } from './announcements';
import { registerCallNotes } from './call-notes';
import { registerCalls } from './calls';
import { registerJma } from './jma';
import { registerNotifications } from './notifications';
import { registerOrders } from './orders';
import { registerScheduledCalls } from './scheduled-calls';
import { registerSystem } from './system';
import { registerWatch } from './watch';
import { registerWatchers } from './watchers';

export async function registerCapabilities(core: HubCore) {
  const announcements = await registerAnnouncements(core);
  const jma = await registerJma(core, { announcements });
  const calls = await registerCalls(core);
  const orders = await registerOrders(core, { calls });
  const watch = await registerWatch(core, { announcements });
  const callNotes = await registerCallNotes(core, { calls });
  const scheduledCalls = await registerScheduledCalls(core, { calls });
  await registerWatchers(core);
  const notifications = await registerNotifications(core, { watch });
  const system = await registerSystem(core);
  return { announcements, jma, calls, orders, watch, callNotes, scheduledCalls, notifications, system };
}

/** Each capability's services, by name (what `register…` returned). */
export type Capabilities = Awaited<ReturnType<typeof registerCapabilities>>;
