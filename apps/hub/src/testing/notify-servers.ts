/**
 * Real protocol servers for notification tests, in-process on 127.0.0.1: an SMTP server
 * (`smtp-server`) that receives and parses the mail, and a Web Push service that checks the VAPID
 * signature and decrypts each message (aes128gcm, `http_ece`) with the keys of subscriptions the
 * test made — what a browser's push service and the browser itself do. Not mocks of the clients.
 */

import { execFileSync } from 'node:child_process';
import { createECDH, createPublicKey, type ECDH, randomBytes, verify } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import * as ece from 'http_ece';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** Resolves with the first item `list` gets that matches, waiting for it if need be. */
function waiter<T>(list: T[]) {
  const waiting: { match: (x: T) => boolean; resolve: (x: T) => void }[] = [];
  return {
    add(item: T) {
      list.push(item);
      for (const w of waiting.filter((w) => w.match(item))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(item);
      }
    },
    next(match: (x: T) => boolean = () => true, timeoutMs = 10_000, what = 'message'): Promise<T> {
      const found = list.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${what} arrived within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({
          match,
          resolve: (x) => {
            clearTimeout(timer);
            resolve(x);
          },
        });
      });
    },
  };
}

export interface TestMailServer {
  /** TSUNAGU_SMTP_URL for the hub. */
  url: string;
  mails: ParsedMail[];
  /** The first mail (already received or still to come) to `to`. */
  next(to?: string, timeoutMs?: number): Promise<ParsedMail>;
  /** The next `n` mails are refused with this SMTP reply code (4xx: try later, 5xx: never). */
  refuse(n: number, code?: number): void;
  close(): Promise<void>;
}

export async function startMailServer(): Promise<TestMailServer> {
  const mails: ParsedMail[] = [];
  const w = waiter(mails);
  let refusals = 0;
  let refusalCode = 451;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (refusals > 0) {
        refusals--;
        stream.resume();
        stream.on('end', () =>
          callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: refusalCode })),
        );
        return;
      }
      simpleParser(stream).then(
        (mail) => {
          w.add(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    next: (to, timeoutMs) => w.next((m) => !to || addressesOf(m).includes(to), timeoutMs, `mail to ${to ?? 'anyone'}`),
    refuse(n, code = 451) {
      refusals = n;
      refusalCode = code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The hub's notifications settings for sending to these test servers: e-mail, and Web Push when `push` is given. */
export function sendingTo(mail: TestMailServer, push?: TestPushService, mailFrom = 'mimamori@example.city') {
  return {
    smtpUrl: mail.url,
    mailFrom,
    push: push !== undefined,
    vapidKeys: null,
    vapidSubject: null,
    pushCa: push?.ca ?? null,
  };
}

export function addressesOf(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((a) => a.value.map((v) => v.address ?? ''));
}

/** A browser's push subscription (what PushSubscription.toJSON() gives), with the keys to read its messages. */
export interface TestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  ecdh: ECDH;
  authSecret: Buffer;
}

export interface ReceivedPush {
  endpoint: string;
  /** The decrypted message, parsed as JSON. */
  payload: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** The VAPID public key the message was signed with (base64url). */
  vapidKey: string;
}

export interface TestPushService {
  origin: string;
  /** Its self-signed certificate (PEM): TSUNAGU_PUSH_CA_FILE's content for the hub. */
  ca: string;
  subscribe(): TestSubscription;
  received: ReceivedPush[];
  next(endpoint?: string, timeoutMs?: number): Promise<ReceivedPush>;
  /** From now on this subscription is gone (the browser unsubscribed): 410. */
  expire(endpoint: string): void;
  /** Answers this status to every message (e.g. 503 while the service is down); null: back to normal. */
  answer(status: number | null): void;
  /** Messages refused (bad signature, undecryptable), with why. */
  refused: { endpoint: string; status: number; why: string }[];
  close(): Promise<void>;
}

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-push-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Checks `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292): an ES256 JWT for this origin, not expired. */
function checkVapid(
  header: string | undefined,
  origin: string,
): { ok: true; key: string } | { ok: false; why: string } {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!m) return { ok: false, why: 'no VAPID authorization' };
  const [jwt, key] = [m[1]!, m[2]!];
  const [h, p, s] = jwt.split('.');
  if (!h || !p || !s) return { ok: false, why: 'malformed JWT' };
  const raw = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  if (!signed) return { ok: false, why: 'bad VAPID signature' };
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { aud?: string; exp?: number; sub?: string };
  if (claims.aud !== origin) return { ok: false, why: `JWT audience ${claims.aud} is not ${origin}` };
  if (!claims.exp || claims.exp * 1000 < Date.now()) return { ok: false, why: 'JWT expired' };
  if (!claims.sub || !/^(mailto:|https:)/.test(claims.sub)) return { ok: false, why: 'JWT has no contact' };
  return { ok: true, key };
}

export async function startPushService(): Promise<TestPushService> {
  const { key, cert } = selfSignedCertificate();
  const subscriptions = new Map<string, TestSubscription>();
  const gone = new Set<string>();
  const received: ReceivedPush[] = [];
  const refused: TestPushService['refused'] = [];
  const w = waiter(received);
  let forced: number | null = null;
  let origin = '';

  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const endpoint = `${origin}${req.url}`;
      const refuse = (status: number, why: string) => {
        refused.push({ endpoint, status, why });
        res.writeHead(status).end(why);
      };
      if (req.method !== 'POST') return refuse(405, 'POST only');
      if (forced !== null) return refuse(forced, 'answer forced by the test');
      const sub = subscriptions.get(endpoint);
      if (!sub || gone.has(endpoint)) return refuse(410, 'subscription gone');
      const vapid = checkVapid(req.headers.authorization, origin);
      if (!vapid.ok) return refuse(403, vapid.why);
      if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(415, 'aes128gcm only');
      if (!req.headers.ttl) return refuse(400, 'TTL header missing');
      let payload: Record<string, unknown>;
      try {
        const plain = ece.decrypt(Buffer.concat(chunks), {
          version: 'aes128gcm',
          privateKey: sub.ecdh,
          authSecret: sub.authSecret.toString('base64url'),
        });
        payload = JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
      } catch (err) {
        return refuse(400, `cannot decrypt: ${(err as Error).message}`);
      }
      res.writeHead(201, { location: `${endpoint}/message/${received.length + 1}` }).end();
      w.add({ endpoint, payload, headers: req.headers, vapidKey: vapid.key });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  let next = 0;

  return {
    origin,
    ca: cert,
    subscribe() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const authSecret = randomBytes(16);
      const endpoint = `${origin}/push/${++next}-${randomBytes(6).toString('hex')}`;
      const sub = {
        endpoint,
        keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
        ecdh,
        authSecret,
      };
      subscriptions.set(endpoint, sub);
      return sub;
    },
    received,
    refused,
    next: (endpoint, timeoutMs) =>
      w.next((r) => !endpoint || r.endpoint === endpoint, timeoutMs, `push to ${endpoint ?? 'anyone'}`),
    expire: (endpoint) => void gone.add(endpoint),
    answer(status) {
      forced = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
