/**
 * Words of notifications (the settings page, the acknowledgement link, deliveries on an alert) and
 * of the alert kinds help requests brought (issue 16). Japanese first, English second.
 */
import { usePageWords } from '../../i18n/catalogue';

export const notifyJa = {
  title: '通知の設定',
  intro: '見守りのアラートを、メールとスマートフォンの通知でも受け取れます。コンソールを開いていなくても届きます。',
  email: 'メールアドレス',
  emailHint: 'アラートが届くアドレスです。',
  mail: 'メールで受け取る',
  push: 'この端末などの通知（プッシュ通知）で受け取る',
  disasterSupport: '災害時要援護者支援の担当として、助けを求める連絡をすべて受け取る',
  save: '保存する',
  saved: '保存しました。',
  noMail: 'このハブではメールの送信が設定されていません。',
  devices: '通知を受け取る端末',
  noDevices: 'まだ登録された端末はありません。',
  deviceAdded: '{{time}} 登録',
  lastSuccess: '最後に届いた日時 {{time}}',
  removeDevice: '登録を解除',
  subscribe: 'この端末で通知を受け取る',
  subscribed: 'この端末を登録しました。アラートが通知で届きます。',
  pushUnsupported: 'このブラウザは通知に対応していません。スマートフォンでは、ホーム画面に追加してから開いてください。',
  pushDenied: '通知が許可されていません。ブラウザの設定で、このサイトの通知を許可してください。',
  pushUnavailable: 'このハブではプッシュ通知が設定されていません。',
  deviceLabel: 'この端末の名前',
  deviceLabelHint: '例：仕事用のスマートフォン',
  ack: {
    title: 'アラートの確認',
    intro:
      'メールや通知のリンクから開きました。「確認しました」を押すと、このアラートは確認済みになり、次の段階の担当へは連絡されません。',
    button: '確認しました',
    done: '確認済みにしました。',
    already: 'このアラートは、すでにほかの人が確認しています。',
    open: '見守りの画面で開く',
    missing: 'リンクが正しくありません。見守りの画面からアラートを開いてください。',
  },
  errors: {
    LINK_INVALID: 'このリンクは正しくありません。見守りの画面からアラートを開いてください。',
    LINK_EXPIRED: 'このリンクは有効期限が切れています。見守りの画面からアラートを開いてください。',
    LINK_USED: 'このリンクはすでに使われています。見守りの画面からアラートを開いてください。',
    LINK_NOT_YOURS:
      'このリンクはほかの人に送られたものです。その人としてログインするか、見守りの画面からアラートを開いてください。',
    PUSH_UNAVAILABLE: 'このハブではプッシュ通知が設定されていません。',
    TOO_MANY_DEVICES: '登録できる端末は20台までです。使っていない端末の登録を解除してください。',
  },
  deliveries: '外への通知',
  channels: { mail: 'メール', push: 'プッシュ通知' },
  statuses: {
    pending: '送信待ち',
    sent: '送信済み',
    failed: '送れませんでした',
    acknowledged: '確認済み',
    cancelled: '取りやめ',
  },
  retryAt: '{{time}} に再送',
  attempts: '{{n}} 回目',
};

export const notifyEn: typeof notifyJa = {
  title: 'Notification settings',
  intro: 'Receive watch alerts by e-mail and as notifications on your phone, even when the console is not open.',
  email: 'E-mail address',
  emailHint: 'Where alerts are sent.',
  mail: 'Receive alerts by e-mail',
  push: 'Receive alerts as notifications on this and other devices (Web Push)',
  disasterSupport: 'Disaster support team: receive every request for help',
  save: 'Save',
  saved: 'Saved.',
  noMail: 'This hub does not send e-mail.',
  devices: 'Devices that receive notifications',
  noDevices: 'No device registered yet.',
  deviceAdded: 'registered {{time}}',
  lastSuccess: 'last delivered {{time}}',
  removeDevice: 'Remove',
  subscribe: 'Receive notifications on this device',
  subscribed: 'This device is registered. Alerts will arrive as notifications.',
  pushUnsupported:
    'This browser cannot receive notifications. On a phone, add the console to the home screen and open it from there.',
  pushDenied: 'Notifications are blocked. Allow notifications for this site in the browser settings.',
  pushUnavailable: 'This hub does not send push notifications.',
  deviceLabel: 'Name of this device',
  deviceLabelHint: 'e.g. work phone',
  ack: {
    title: 'Acknowledge the alert',
    intro:
      'You opened a link from an e-mail or a notification. “Acknowledge” marks the alert as seen, and the next level is not contacted.',
    button: 'Acknowledge',
    done: 'Acknowledged.',
    already: 'Someone else has already acknowledged this alert.',
    open: 'Open the watch page',
    missing: 'This link is not valid. Open the alert from the watch page.',
  },
  errors: {
    LINK_INVALID: 'This link is not valid. Open the alert from the watch page.',
    LINK_EXPIRED: 'This link has expired. Open the alert from the watch page.',
    LINK_USED: 'This link has already been used. Open the alert from the watch page.',
    LINK_NOT_YOURS:
      'This link was sent to someone else. Sign in as that person, or open the alert from the watch page.',
    PUSH_UNAVAILABLE: 'This hub does not send push notifications.',
    TOO_MANY_DEVICES: 'At most 20 devices. Remove one you no longer use.',
  },
  deliveries: 'Notifications sent',
  channels: { mail: 'E-mail', push: 'Push notification' },
  statuses: {
    pending: 'waiting to send',
    sent: 'sent',
    failed: 'could not be sent',
    acknowledged: 'acknowledged',
    cancelled: 'not sent',
  },
  retryAt: 'retry at {{time}}',
  attempts: 'attempt {{n}}',
};

/** The alert kinds and ladder steps help requests and call notes added to the watch page. */
export const watchJa = {
  kind: {
    concern: '気がかりな様子の連絡',
    help_request: '助けを求めています',
    safety_unanswered: '安否確認に答えがない',
    missed_call: '予定の電話に出ない',
  },
  events: { asked_again: 'もう一度助けを求めました' },
  fromSafetyCheck: 'この安否確認から出た見守りアラート',
  openedAt: '受付',
};
export const watchEn: typeof watchJa = {
  kind: {
    concern: 'Concern reported',
    help_request: 'Asking for help',
    safety_unanswered: 'Safety check not answered',
    missed_call: 'Planned call not answered',
  },
  events: { asked_again: 'Asked for help again' },
  fromSafetyCheck: 'Watch alerts raised by this safety check',
  openedAt: 'Opened',
};

/** Adds these words to the console's catalogues (once). */
export function useNotifyMessages() {
  return usePageWords({ notify: notifyJa, watch: watchJa }, { notify: notifyEn, watch: watchEn }, 'notify.title');
}

/** An error of these pages in words (its own codes first, then the console's). */
export function notifyErrorKey(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in notifyJa.errors ? `notify.errors.${code}` : null;
}
