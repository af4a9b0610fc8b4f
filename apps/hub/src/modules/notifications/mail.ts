/** E-mail through the city's SMTP server (nodemailer), configured by TSUNAGU_SMTP_URL and TSUNAGU_MAIL_FROM. */
import nodemailer from 'nodemailer';
import type { NotificationChannel, OutgoingMessage, SendOutcome } from './channel';

/** SMTP answers that will not change by trying again (4xx replies are temporary, 5xx permanent). */
function outcomeOf(err: unknown): SendOutcome {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const message = e.message ?? String(err);
  const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode !== 554;
  return { ok: false, error: `E-mail not sent: ${message}`.slice(0, 500), retry: !permanent };
}

export function mailText(m: OutgoingMessage): string {
  return [
    m.body,
    '',
    '確認したら、次のリンクを開いてサインインすると「確認済み」になります（1回だけ使えます）:',
    m.ackUrl,
    '',
    'このメールはつなぐ（見守り）から自動で送っています。返信しても届きません。',
    '通知の設定は、職員コンソールの「通知の設定」で変えられます。',
  ].join('\n');
}

export function createMailChannel(options: { smtpUrl: string; from: string; timeoutMs?: number }): NotificationChannel {
  const timeout = options.timeoutMs ?? 20_000;
  const url = new URL(options.smtpUrl);
  const secure = url.protocol === 'smtps:';
  const transport = nodemailer.createTransport({
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    // `?tls=off` for a relay on the local network that offers no STARTTLS.
    ...(url.searchParams.get('tls') === 'off' ? { ignoreTLS: true } : {}),
    // The mail server is slow or away: fail the attempt and let the dispatcher try again later.
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    name: 'mail',
    defaultOn: false,
    addresses: (_userId, entered) => (entered ? [entered] : []),
    async send(address, m) {
      try {
        await transport.sendMail({
          from: options.from,
          to: address,
          subject: m.title,
          text: mailText(m),
          headers: m.urgent ? { Importance: 'high', 'X-Priority': '1' } : {},
        });
        return { ok: true };
      } catch (err) {
        return outcomeOf(err);
      }
    },
    close: () => transport.close(),
  };
}
