/** Notification channels' settings from the environment (read with the rest of the hub's configuration). */
import fs from 'node:fs';

export interface NotificationsConfig {
  /** TSUNAGU_SMTP_URL, e.g. `smtps://user:password@smtp.example.city:465`: without it there is no e-mail. */
  smtpUrl: string | null;
  /** TSUNAGU_MAIL_FROM, e.g. `つなぐ 見守り <mimamori@example.city>` (required with TSUNAGU_SMTP_URL). */
  mailFrom: string | null;
  /** TSUNAGU_WEB_PUSH=off turns Web Push off (on by default). */
  push: boolean;
  /**
   * TSUNAGU_VAPID_PUBLIC_KEY and TSUNAGU_VAPID_PRIVATE_KEY (base64url, as `web-push
   * generate-vapid-keys` prints them): otherwise generated at first start and kept in the database.
   */
  vapidKeys: { publicKey: string; privateKey: string } | null;
  /** TSUNAGU_VAPID_SUBJECT: a `mailto:` or `https:` contact push services may use (default: the public URL). */
  vapidSubject: string | null;
  /** TSUNAGU_PUSH_CA_FILE: certificates (PEM) to trust for a push service behind a private CA. */
  pushCa: string | null;
}

export const DEFAULT_NOTIFICATIONS_CONFIG: NotificationsConfig = {
  smtpUrl: null,
  mailFrom: null,
  push: true,
  vapidKeys: null,
  vapidSubject: null,
  pushCa: null,
};

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function loadNotificationsConfig(env: NodeJS.ProcessEnv, problems: string[]): NotificationsConfig {
  const config: NotificationsConfig = { ...DEFAULT_NOTIFICATIONS_CONFIG };
  if (env.TSUNAGU_SMTP_URL) {
    try {
      const u = new URL(env.TSUNAGU_SMTP_URL);
      if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error('protocol');
      config.smtpUrl = env.TSUNAGU_SMTP_URL;
    } catch {
      problems.push('TSUNAGU_SMTP_URL must look like smtp://host:587 or smtps://user:password@host:465');
    }
    if (!env.TSUNAGU_MAIL_FROM) problems.push('TSUNAGU_MAIL_FROM must be set when TSUNAGU_SMTP_URL is set');
  }
  if (env.TSUNAGU_MAIL_FROM) {
    if (!/@/.test(env.TSUNAGU_MAIL_FROM) || /[\r\n]/.test(env.TSUNAGU_MAIL_FROM))
      problems.push(`TSUNAGU_MAIL_FROM must be an e-mail address (got "${env.TSUNAGU_MAIL_FROM}")`);
    else config.mailFrom = env.TSUNAGU_MAIL_FROM;
  }
  const push = env.TSUNAGU_WEB_PUSH;
  if (push !== undefined && push !== '') {
    if (/^(0|false|no|off)$/i.test(push)) config.push = false;
    else if (!/^(1|true|yes|on)$/i.test(push)) problems.push(`TSUNAGU_WEB_PUSH must be on or off (got "${push}")`);
  }
  const publicKey = env.TSUNAGU_VAPID_PUBLIC_KEY ?? '';
  const privateKey = env.TSUNAGU_VAPID_PRIVATE_KEY ?? '';
  if (publicKey || privateKey) {
    if (!BASE64URL.test(publicKey) || !BASE64URL.test(privateKey) || publicKey.length < 80 || privateKey.length < 40)
      problems.push(
        'TSUNAGU_VAPID_PUBLIC_KEY and TSUNAGU_VAPID_PRIVATE_KEY must both be set, base64url (npx web-push generate-vapid-keys)',
      );
    else config.vapidKeys = { publicKey, privateKey };
  }
  if (env.TSUNAGU_VAPID_SUBJECT) {
    if (!/^(mailto:|https:)/.test(env.TSUNAGU_VAPID_SUBJECT))
      problems.push(`TSUNAGU_VAPID_SUBJECT must start with mailto: or https: (got "${env.TSUNAGU_VAPID_SUBJECT}")`);
    else config.vapidSubject = env.TSUNAGU_VAPID_SUBJECT;
  }
  if (env.TSUNAGU_PUSH_CA_FILE) {
    try {
      config.pushCa = fs.readFileSync(env.TSUNAGU_PUSH_CA_FILE, 'utf8');
      if (!config.pushCa.includes('BEGIN CERTIFICATE')) throw new Error('not PEM');
    } catch {
      config.pushCa = null;
      problems.push(
        `TSUNAGU_PUSH_CA_FILE must name a readable PEM certificate file (got "${env.TSUNAGU_PUSH_CA_FILE}")`,
      );
    }
  }
  return config;
}
