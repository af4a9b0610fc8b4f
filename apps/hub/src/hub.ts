/** A built hub: its core, and the services each capability module returned, typed and by name. */
import type { HubCore } from './core';
import type { Capabilities } from './modules/capabilities';

export interface Hub extends HubCore {
  capabilities: Capabilities;
}
