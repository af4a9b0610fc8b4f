/**
 * Authentication (session cookie, API key or terminal credential) and authorization for every route.
 * Every /api route must declare `config.access`; the hub refuses to start otherwise, so a route can
 * never be added without a role check.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, forbidden, unauthenticated } from '../lib/errors';
import { type Access, allows, type Principal } from '../lib/principal';
import { safeEqual } from '../lib/secrets';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Open to a session whose account must still set up two-factor sign-in (the set-up itself). */
    duringTwoFactorSetup?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** A remembered answer comes back at once; one that needs the database, as a promise. */
export type Found = Principal | null | Promise<Principal | null>;

export interface Authenticators {
  session(token: string): Found;
  apiKey(key: string): Found;
  terminal(credential: string): Found;
}

/** The staff session cookie: set by accounts at sign-in, read here and by the staff socket handshake. */
export const SESSION_COOKIE = 'tsunagu_session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S{1,512})$/i.exec(header);
  return m ? m[1]! : null;
}

async function authenticate(request: FastifyRequest, auth: Authenticators): Promise<Principal | null> {
  const bearer = bearerToken(request.headers.authorization);
  if (request.headers.authorization !== undefined) {
    if (!bearer) throw unauthenticated('The Authorization header must be "Bearer <key>".');
    const found = bearer.startsWith('tsd_') ? auth.terminal(bearer) : auth.apiKey(bearer);
    const p = found instanceof Promise ? await found : found;
    if (!p) throw unauthenticated('This key or device credential is not valid or has been revoked.');
    return p;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return null;
  const p = await auth.session(token);
  if (!p) return null;
  // Cookie-authenticated writes must carry the session's CSRF token (synchroniser token pattern).
  if (!SAFE_METHODS.has(request.method) && p.kind === 'user') {
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !safeEqual(sent, p.csrfToken)) {
      throw new AppError(
        403,
        'CSRF_FAILED',
        'This form has expired or came from another site. Reload the page and try again.',
      );
    }
  }
  return p;
}

export interface ApiRoute {
  method: string;
  url: string;
  access: Access;
  bodySchema?: unknown;
  /** The route's whole schema (params, querystring, body, response), as registered. */
  schema?: unknown;
  /** Content types the route's body parser takes besides JSON (e.g. CAP XML, multipart). */
  bodyLimit?: number;
}

/** Registers the hooks; returns the list of /api routes with their access rules (filled as routes are added). */
export function registerAuth(app: FastifyInstance, auth: Authenticators): ApiRoute[] {
  const apiRoutes: ApiRoute[] = [];
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    const access = route.config?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} declares no access rule (config.access)`);
    const bodySchema = (route.schema as { body?: unknown } | undefined)?.body;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD')
        apiRoutes.push({
          method,
          url: route.url,
          access,
          bodySchema,
          schema: route.schema,
          bodyLimit: route.bodyLimit,
        });
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access) return; // static files and 404s
    // The login route must work even with a stale session cookie.
    if (access === 'public' && !request.headers.authorization) {
      request.principal = request.cookies[SESSION_COOKIE] ? await auth.session(request.cookies[SESSION_COOKIE]!) : null;
      return;
    }
    request.principal = await authenticate(request, auth);
    if (!allows(access, request.principal)) {
      if (!request.principal) throw unauthenticated();
      if (typeof access === 'object' && access.apiKeysOnly && request.principal.kind === 'user') {
        throw new AppError(
          403,
          'API_KEY_REQUIRED',
          'This endpoint is for alerting systems with an API key. Compose announcements in the console.',
        );
      }
      throw forbidden();
    }
    const p = request.principal;
    if (p?.kind === 'user' && p.twoFactorPending && !request.routeOptions.config.duringTwoFactorSetup) {
      throw new AppError(
        403,
        'TWO_FACTOR_SETUP_REQUIRED',
        'Set up two-factor sign-in on your account page first (an authenticator app on your phone).',
      );
    }
  });
  return apiRoutes;
}
