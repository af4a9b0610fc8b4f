/**
 * The console's REST client: same-origin fetch with the session cookie, the CSRF token on every
 * write, and the hub's `{ error: { code, message } }` shape turned into a typed ApiError.
 */
import type { ErrorCode, ErrorDetail, SessionInfo } from '@tsunagu/protocol';

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

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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

  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return this.request<T>('GET', path, undefined, query);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(
    method: Method,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | undefined>,
  ): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    // No content-type without a body: the hub refuses an empty body declared as JSON.
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.doFetch(url.href, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
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
  async login(username: string, password: string): Promise<SessionInfo> {
    const session = await this.post<SessionInfo>('api/auth/login', { username, password });
    this.setCsrfToken(session.csrfToken);
    return session;
  }

  /** The current session, or null when nobody is signed in (does not trigger onUnauthenticated). */
  async restoreSession(): Promise<SessionInfo | null> {
    try {
      const url = new URL('api/auth/session', this.base);
      const response = await this.doFetch(url.href, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (response.status === 401) return null;
      const parsed: unknown = await response.json().catch(() => null);
      if (!response.ok) throw parseError(response.status, parsed, `HTTP ${response.status}`);
      const session = parsed as SessionInfo;
      this.setCsrfToken(session.csrfToken);
      return session;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : 'The hub could not be reached.');
    }
  }

  async logout(): Promise<void> {
    try {
      await this.post('api/auth/logout');
    } finally {
      this.setCsrfToken(null);
    }
  }

  changePassword(currentPassword: string, newPassword: string): Promise<{ ok: true }> {
    return this.post('api/auth/password', { currentPassword, newPassword });
  }
}
