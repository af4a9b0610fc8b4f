/**
 * The capability modules the hub is made of, registered in this order after the core
 * (accounts, households, terminals, shops). Each adds its routes, socket handlers and services.
 */
import type { Hub } from '../app';
import { registerAnnouncements } from './announcements';
import { registerCalls } from './calls';
import { registerJma } from './jma';
import { registerOrders } from './orders';
import { registerSystem } from './system';
import { registerWatch } from './watch';

export interface Capability {
  name: string;
  /** Registers routes (`hub.app.register(...)`) and socket handlers; returns the module's services. */
  register(hub: Hub): Promise<unknown>;
}

export const capabilities: Capability[] = [
  { name: 'announcements', register: registerAnnouncements },
  { name: 'jma', register: registerJma },
  { name: 'calls', register: registerCalls },
  { name: 'orders', register: registerOrders },
  { name: 'watch', register: registerWatch() },
  { name: 'system', register: registerSystem },
];
