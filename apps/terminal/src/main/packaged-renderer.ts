/**
 * The kiosk ships the terminal page inside the app: requests for the hub's `/terminal/` page and its
 * files are answered from the packaged copy (dist/web), so a box that restarts during an outage
 * starts the terminal — offline screen, kept announcements — instead of Chromium's error page.
 * Everything else (the hub's API, Socket.IO) goes to the network untouched. The page keeps the hub's
 * origin, so its CSP, the IPC sender check, the permissions and the cookies work exactly as before.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Net, Protocol } from 'electron';
import { defaultContentSecurityPolicy } from './security';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};

export interface PackagedRendererOptions {
  /** The page the kiosk loads, e.g. https://hub.example.city/terminal/ */
  terminalUrl: string;
  hubOrigin: string;
  /** The packaged renderer files (index.html, app.js). */
  dir: string;
  readFile?: (file: string) => Promise<Uint8Array>;
  /** The network, for every request that is not the packaged page. */
  fetch: (request: Request) => Promise<Response>;
}

/** The file a request for the terminal page maps to, or null when it is not one of the page's files. */
export function packagedFile(url: string, terminalUrl: string): string | null {
  if (!url.startsWith(terminalUrl)) return null;
  const rest = new URL(url).pathname.slice(new URL(terminalUrl).pathname.length);
  const name = rest === '' ? 'index.html' : rest;
  // One flat folder of build output: anything else (sub-paths, dot files) is not ours.
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name) && !name.includes('..') ? name : null;
}

export function createPackagedRendererHandler(options: PackagedRendererOptions) {
  const readFile = options.readFile ?? ((file: string) => fs.readFile(file));
  const csp = defaultContentSecurityPolicy(options.hubOrigin);
  return async (request: Request): Promise<Response> => {
    const name = request.method === 'GET' ? packagedFile(request.url, options.terminalUrl) : null;
    if (name) {
      try {
        const body = await readFile(path.join(options.dir, name));
        return new Response(body as unknown as ConstructorParameters<typeof Response>[0], {
          status: 200,
          headers: {
            'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream',
            'content-security-policy': csp,
            'cache-control': 'no-cache',
          },
        });
      } catch {
        // Not in the package (e.g. a file only the hub serves): ask the hub.
      }
    }
    return options.fetch(request);
  };
}

/** Answers the hub's scheme (https, or http on loopback) from the package for the page's files. */
export function installPackagedRenderer(
  protocol: Pick<Protocol, 'handle'>,
  net: Pick<Net, 'fetch'>,
  options: Omit<PackagedRendererOptions, 'fetch'>,
): void {
  const scheme = new URL(options.hubOrigin).protocol.replace(':', '');
  protocol.handle(
    scheme,
    createPackagedRendererHandler({
      ...options,
      // Not back into this handler: straight to the network.
      fetch: (request) => net.fetch(request, { bypassCustomProtocolHandlers: true }),
    }),
  );
}
