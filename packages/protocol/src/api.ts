/**
 * The REST contract: every /api route of the hub, by `METHOD /path`, with what it takes (params,
 * query string, body) and what it answers (per status; `4xx` is always the `{ error }` body), and
 * an example of each. The hub registers its routes from this table (so a route cannot take another
 * schema than the table says) and the console's API client is typed from it. The routes are
 * listed by area in routes/; a new route goes there, and the hub's contract test fails until the
 * hub serves it (and serves nothing the table lacks).
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { accountsRoutes } from './routes/accounts';
import { announcementsRoutes } from './routes/announcements';
import { conversationsRoutes } from './routes/conversations';
import { householdsRoutes } from './routes/households';
import { notificationsRoutes } from './routes/notifications';
import { shopsRoutes } from './routes/shops';
import { systemRoutes } from './routes/system';
import { watchRoutes } from './routes/watch';
import { watchersRoutes } from './routes/watchers';
import type { RouteKey, RouteSpec } from './wire';

export { CAP_CONTENT_TYPES } from './routes/announcements';
export { PHOTO_CONTENT_TYPES } from './routes/shops';

export const api = {
  ...accountsRoutes,
  ...householdsRoutes,
  ...shopsRoutes,
  ...watchRoutes,
  ...conversationsRoutes,
  ...watchersRoutes,
  ...notificationsRoutes,
  ...announcementsRoutes,
  ...systemRoutes,
} as const satisfies Record<RouteKey, RouteSpec>;

export type Api = typeof api;
export type ApiRouteKey = keyof Api;

type StaticOf<S> = S extends TSchema ? Static<S> : never;
type Part<S, K extends string, Optional extends boolean> = S extends TSchema
  ? Optional extends true
    ? { [P in K]?: Static<S> }
    : { [P in K]: Static<S> }
  : unknown;

/** What a client passes to call route `K`: its params, query string and body (as the table types them). */
export type ApiInput<K extends ApiRouteKey> = Part<Api[K]['params'], 'params', false> &
  Part<Api[K]['querystring'], 'query', true> &
  Part<Api[K]['body'], 'body', false>;

/** What route `K` answers on success (its 2xx schemas). */
export type ApiResponse<K extends ApiRouteKey> = {
  [S in keyof Api[K]['response']]: S extends 200 | 201 | 204 ? StaticOf<Api[K]['response'][S]> : never;
}[keyof Api[K]['response']];

/** Routes that answer JSON (the others are links: CSV, XML, audio, photos). */
export type JsonRouteKey = { [K in ApiRouteKey]: Api[K]['produces'] extends string ? never : K }[ApiRouteKey];
/** Routes whose body is not JSON (uploads, CAP XML). */
export type UploadRouteKey = {
  [K in ApiRouteKey]: Api[K]['consumes'] extends readonly string[] ? K : never;
}[ApiRouteKey];
/** Routes that answer something other than JSON: the console links to them. */
export type LinkRouteKey = Exclude<ApiRouteKey, JsonRouteKey>;
