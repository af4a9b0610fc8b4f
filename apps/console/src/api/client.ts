/**
 * The console's REST client: same-origin fetch with the session cookie, the CSRF token on every
 * write, and the hub's `{ error: { code, message } }` shape turned into a typed ApiError.
 */
import {
  type ApiInput,
  type ApiResponse,
  type ErrorCode,
  type ErrorDetail,
  type HttpMethod,
  type JsonRouteKey,
  type LinkRouteKey,
  type SessionInfo,
  splitRouteKey,
  type UploadRouteKey,
} from '@tsunagu/protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Code used when the hub could not be reached at all (no HTTP answer). */
export const NETWORK_ERROR = 'NETWORK_ERROR';

type RawInput = { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };

/** The arguments of `call(route, …)`: none, an optional input, or a required one, as the route takes. */
type CallArgs<K extends JsonRouteKey> = [keyof ApiInput<K>] extends [never]
  ? []
  : object extends ApiInput<K>
    ? [input?: ApiInput<K>]
    : [input: ApiInput<K>];

/** `/api/shops/:id/items/:itemId` with `{ id: 1, itemId: 5 }` → `/api/shops/1/items/5`. */
export function fillPath(pattern: string, params: Record<string, unknown> = {}): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`${pattern}: no value for :${name}`);
    return encodeURIComponent(String(params[name]));
  });
}

export interface ApiClientOptions {
  /** Base URL of the hub with a trailing slash; defaults to the folder above /console/. */
  base?: string;
  fetch?: typeof fetch;
  /** Called when the hub says the session is gone (401), so the shell can show the login page. */
  onUnauthenticated?: (error: ApiError) => void;
}

/** The hub's base URL for a console page served at `<base>/console/`. */
export function hubBase(location: { href: string }): string {
  return new URL('../', location.href).href;
}

function parseError(status: number, body: unknown, fallback: string): ApiError {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof e.code === 'string') {
      return new ApiError(
        status,
        e.code,
        typeof e.message === 'string' ? e.message : fallback,
        Array.isArray(e.details) ? (e.details as ErrorDetail[]) : undefined,
      );
    }
  }
  const code =
    status === 429
      ? 'RATE_LIMITED'
      : status === 401
        ? 'UNAUTHENTICATED'
        : status === 404
          ? 'NOT_FOUND'
          : status >= 500
            ? 'INTERNAL'
            : 'BAD_REQUEST';
  return new ApiError(status, code, fallback);
}

export class ApiClient {
  private csrfToken: string | null = null;
  private readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: ApiClientOptions = {}) {
    this.base = options.base ?? hubBase(window.location);
    this.doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Remembers the session's CSRF token (from login or session restore); null after logout. */
  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  /**
   * Calls a JSON route of the protocol's route table by its key, e.g.
   * `call('POST /api/watch/alerts/:id/resolve', { params: { id }, body: { outcome } })`: the path
   * parameters, query string, body and answer are all typed from the table.
   */
  call<K extends JsonRouteKey>(route: K, ...args: NoInfer<CallArgs<K>>): Promise<ApiResponse<K>> {
    const [input] = args as [RawInput?];
    const { method, url } = splitRouteKey(route);
    return this.send(method, fillPath(url, input?.params), input?.body, input?.query, 'json');
  }

  /** Sends a file to an upload route (a photo, a voice clip): the body is the file or form as is. */
  upload<K extends UploadRouteKey>(
    route: K,
    input: NoInfer<ApiInput<K>>,
    body: Blob | FormData,
  ): Promise<ApiResponse<K>> {
    const { method, url } = splitRouteKey(route);
    return this.send(method, fillPath(url, (input as RawInput).params), body, undefined, 'raw');
  }

  /** The address of a route that answers a download (CSV, CAP XML, audio), for a link. */
  link<K extends LinkRouteKey>(route: K, input: NoInfer<ApiInput<K>>): string {
    const raw = input as RawInput;
    return this.url(fillPath(splitRouteKey(route).url, raw.params), raw.query).href;
  }

  private url(path: string, query?: Record<string, unknown>): URL {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private async send<T>(
    method: HttpMethod,
    path: string,
    body: unknown,
    query: Record<string, unknown> | undefined,
    kind: 'json' | 'raw',
  ): Promise<T> {
    const url = this.url(path, query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    // No content-type without a body: the hub refuses an empty body declared as JSON. A file says
    // its own type (a form sets its boundary).
    if (body !== undefined && kind === 'json') headers['content-type'] = 'application/json';
    if (kind === 'raw' && body instanceof Blob && body.type) headers['content-type'] = body.type;
    let response: Response;
    try {
      response = await this.doFetch(url.href, {
        method,
        headers,
        body: body === undefined ? undefined : kind === 'json' ? JSON.stringify(body) : (body as BodyInit),
        credentials: 'same-origin',
      });
    } catch (err) {
      throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : 'The hub could not be reached.');
    }
    const text = await response.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!response.ok) {
      const error = parseError(response.status, parsed, response.statusText || `HTTP ${response.status}`);
      if (response.status === 401 && error.code === 'UNAUTHENTICATED') this.options.onUnauthenticated?.(error);
      throw error;
    }
    return parsed as T;
  }

  // Session helpers: the shell and the login page use these.
  /** `code`: the authenticator app's code (or a recovery code) once the hub asks for it. */
  async login(username: string, password: string, code?: string): Promise<SessionInfo> {
    const session = await this.call('POST /api/auth/login', {
      body: { username, password, ...(code ? { code } : {}) },
    });
    this.setCsrfToken(session.csrfToken);
    return session;
  }

  /** The current session, or null when nobody is signed in (does not trigger onUnauthenticated). */
  async restoreSession(): Promise<SessionInfo | null> {
    try {
      const url = this.url(splitRouteKey('GET /api/auth/session').url);
      const response = await this.doFetch(url.href, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (response.status === 401) return null;
      const parsed: unknown = await response.json().catch(() => null);
      if (!response.ok) throw parseError(response.status, parsed, `HTTP ${response.status}`);
      const session = parsed as ApiResponse<'GET /api/auth/session'>;
      this.setCsrfToken(session.csrfToken);
      return session;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : 'The hub could not be reached.');
    }
  }

  async logout(): Promise<void> {
    try {
      await this.call('POST /api/auth/logout');
    } finally {
      this.setCsrfToken(null);
    }
  }

  changePassword(currentPassword: string, newPassword: string): Promise<{ ok: true }> {
    return this.call('POST /api/auth/password', { body: { currentPassword, newPassword } });
  }
}
