/**
 * A small JSON client over node:http for the fleet. It can bind each request to its own loopback
 * source address (127.x.y.z), so each virtual terminal enrolls from "its own home" and the hub's
 * per-address limit on enrollment (5 a minute) applies to each terminal as it would in a city.
 */
import http from 'node:http';

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: http.IncomingHttpHeaders;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** A body sent as it is (e.g. an XML document) instead of JSON. */
  raw?: { data: string | Buffer; contentType: string };
  bearer?: string;
  cookie?: string;
  csrfToken?: string;
  localAddress?: string;
  timeoutMs?: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function requestJson<T = unknown>(
  base: string,
  path: string,
  options: RequestOptions = {},
): Promise<JsonResponse<T>> {
  const url = new URL(path, base);
  const payload = options.raw
    ? Buffer.from(options.raw.data)
    : options.body === undefined
      ? undefined
      : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string | number> = { accept: 'application/json' };
  if (payload) {
    headers['content-type'] = options.raw?.contentType ?? 'application/json';
    headers['content-length'] = payload.length;
  }
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrfToken) headers['x-csrf-token'] = options.csrfToken;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? (payload ? 'POST' : 'GET'),
        headers,
        // A pooled connection has a fixed source address, so bound requests get their own socket.
        ...(options.localAddress ? { localAddress: options.localAddress, agent: false } : { agent }),
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            // Not JSON (an HTML error page from a proxy, say): keep the text.
          }
          resolve({ status: res.statusCode ?? 0, body: body as T, headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${path}: no answer in time`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Throws with the hub's error code and message unless the status is one of `ok`. */
export function expectStatus<T>(res: JsonResponse<T>, ok: number[], what: string): T {
  if (ok.includes(res.status)) return res.body;
  const err = (res.body as { error?: { code?: string; message?: string } } | null)?.error;
  throw new Error(
    `${what} failed: HTTP ${res.status}${err ? ` ${err.code}: ${err.message}` : ` ${String(res.body).slice(0, 200)}`}`,
  );
}

/**
 * A distinct loopback source address for terminal number `index` (127.20.0.1, 127.20.0.2, …).
 * Linux routes all of 127.0.0.0/8 to the loopback interface.
 */
export function loopbackAddress(index: number, base = 20): string {
  // Skip .0 and .255 in the last octet; 62,500 addresses per second octet.
  const z = (index % 250) + 1;
  const y = Math.floor(index / 250) % 250;
  const x = base + Math.floor(index / 62_500);
  return `127.${x}.${y}.${z}`;
}

export function isLoopbackUrl(base: string): boolean {
  const host = new URL(base).hostname;
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
}
