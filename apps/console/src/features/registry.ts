/**
 * The console's pages. Each capability adds ONE entry here; the shell shows an entry in the
 * navigation (and lets its route open) only for people whose role is listed in `roles`
 * (`'admin'` means a city hall account with the administrator flag).
 */
import { createElement } from 'react';
import type { Feature } from '../shell/feature';
import { AccountPage } from './account/AccountPage';
import { AnnouncementsPage } from './announcements/AnnouncementsPage';
import { ApiKeysPage } from './api-keys/ApiKeysPage';
import { AuditPage } from './audit/AuditPage';
import { CallPlansPage } from './calls/CallPlansPage';
import { CallsPage } from './calls/CallsPage';
import { HouseholdsPage } from './households/HouseholdsPage';
import { AutoAlertsPage } from './jma/AutoAlertsPage';
import { AckPage } from './notifications/AckPage';
import { NotificationsPage } from './notifications/NotificationsPage';
import { CataloguePage } from './orders/CataloguePage';
import { OrdersPage } from './orders/OrdersPage';
import { SystemStatusPage } from './system/SystemStatusPage';
import { FleetPage } from './terminals/FleetPage';
import { UsersPage } from './users/UsersPage';
import { WatchPage } from './watch/WatchPage';
import { WatchersPage } from './watchers/WatchersPage';

export const features: readonly Feature[] = [
  {
    id: 'announcements',
    labelKey: 'nav.announcements',
    roles: ['cityhall'],
    element: createElement(AnnouncementsPage),
  },
  { id: 'auto-alerts', labelKey: 'nav.autoAlerts', roles: ['cityhall'], element: createElement(AutoAlertsPage) },
  {
    id: 'households',
    labelKey: 'nav.households',
    roles: ['cityhall'],
    element: createElement(HouseholdsPage, { mode: 'cityhall' }),
  },
  { id: 'terminals', labelKey: 'nav.terminals', roles: ['cityhall'], element: createElement(FleetPage) },
  {
    id: 'my-households',
    labelKey: 'nav.myHouseholds',
    roles: ['watcher'],
    element: createElement(HouseholdsPage, { mode: 'watcher' }),
  },
  {
    id: 'calls',
    labelKey: 'nav.calls',
    roles: ['operator', 'listener', 'cityhall'],
    element: createElement(CallsPage),
  },
  {
    id: 'call-plans',
    labelKey: 'nav.callPlans',
    roles: ['listener', 'cityhall'],
    element: createElement(CallPlansPage),
  },
  { id: 'orders', labelKey: 'nav.orders', roles: ['operator', 'cityhall'], element: createElement(OrdersPage) },
  {
    id: 'catalogue',
    labelKey: 'nav.catalogue',
    roles: ['operator', 'listener', 'cityhall'],
    element: createElement(CataloguePage),
  },
  { id: 'watchers', labelKey: 'nav.watchers', roles: ['cityhall'], element: createElement(WatchersPage) },
  { id: 'watch', labelKey: 'nav.watch', roles: ['cityhall', 'watcher'], element: createElement(WatchPage) },
  {
    id: 'notifications',
    labelKey: 'nav.notifications',
    roles: ['cityhall', 'watcher'],
    element: createElement(NotificationsPage),
  },
  { id: 'users', labelKey: 'nav.users', roles: ['admin'], element: createElement(UsersPage) },
  { id: 'api-keys', labelKey: 'nav.apiKeys', roles: ['admin'], element: createElement(ApiKeysPage) },
  { id: 'audit', labelKey: 'nav.audit', roles: ['admin'], element: createElement(AuditPage) },
  { id: 'system', labelKey: 'nav.system', roles: ['cityhall'], element: createElement(SystemStatusPage) },
  {
    id: 'account',
    labelKey: 'nav.account',
    roles: ['cityhall', 'operator', 'listener', 'watcher'],
    element: createElement(AccountPage),
  },
  { id: 'ack', labelKey: 'nav.ack', roles: ['cityhall', 'watcher'], element: createElement(AckPage), hidden: true },
];
