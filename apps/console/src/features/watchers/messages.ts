/** City hall's words for watcher accounts and their invitations (Japanese first, English second). */
import { usePageWords } from '../../i18n/catalogue';

export const watchersJa = {
  title: '見守り担当者',
  intro:
    '見守り担当者のアカウントと、それぞれが担当している世帯です。新しい担当者には招待コードを渡し、本人がパスワードを決めます（市役所はパスワードを知りません）。担当する世帯は「世帯と端末」の各世帯から決めます。',
  create: '担当者のアカウントを作る',
  createTitle: '見守り担当者のアカウントを作る',
  displayName: '表示名（例：福祉課 青木、長男 山田 一郎）',
  username: 'ユーザー名（ログインに使う英小文字・数字）',
  usernameHint: '3文字以上。英小文字・数字・「.」「-」「_」',
  kind: '立場',
  submit: 'アカウントを作って招待コードを出す',
  colName: '担当者',
  colKind: '立場',
  colHouseholds: '担当している世帯',
  colStatus: '状態',
  colActions: '操作',
  level: '{{level}}番目',
  noHouseholds: 'まだ担当している世帯はありません',
  active: '利用中',
  invited: '招待中（{{at}} まで）',
  disabled: '停止中',
  reinvite: '招待コードを出し直す',
  disable: '停止',
  enable: '再開',
  disabledDone: '{{name}} を停止しました。',
  enabledDone: '{{name}} を再開しました。',
  disableTitle: '見守り担当者を停止しますか？',
  disableBody:
    '{{name}} はすぐにログアウトされ、見守りの知らせも届かなくなります。担当している世帯の割り当ては残ります。',
  invitationTitle: '{{name}} の招待コード',
  invitationCode: '招待コード',
  invitationExpires: '有効期限：{{at}}（1回だけ使えます）',
  invitationHowTo:
    'このコードを本人に渡してください（この画面を閉じると、もう表示できません）。本人はコンソールのログイン画面で「招待コードでパスワードを決める」を押し、このコードと自分で決めたパスワードを入力します。そのあとは、ユーザー名「{{username}}」とそのパスワードでログインします。',
  print: '印刷する',
};

export const watchersEn: typeof watchersJa = {
  title: 'Watchers',
  intro:
    'Watcher accounts and the households each watches. A new watcher gets an invitation code and chooses their own password (city hall never knows it). Which households a watcher watches is set on each household in “Households and terminals”.',
  create: 'Create a watcher account',
  createTitle: 'Create a watcher account',
  displayName: 'Display name (e.g. Welfare: Aoki, son: Ichiro Yamada)',
  username: 'User name (lower-case letters and digits, for signing in)',
  usernameHint: 'At least 3: lower-case letters, digits, “.”, “-”, “_”',
  kind: 'Kind',
  submit: 'Create and show the invitation code',
  colName: 'Watcher',
  colKind: 'Kind',
  colHouseholds: 'Households watched',
  colStatus: 'Status',
  colActions: 'Actions',
  level: '#{{level}}',
  noHouseholds: 'No household yet',
  active: 'Active',
  invited: 'Invited (until {{at}})',
  disabled: 'Switched off',
  reinvite: 'New invitation code',
  disable: 'Switch off',
  enable: 'Switch on',
  disabledDone: '{{name}} switched off.',
  enabledDone: '{{name}} switched on.',
  disableTitle: 'Switch this watcher off?',
  disableBody: '{{name}} is signed out at once and gets no more watch alerts. Their households stay assigned to them.',
  invitationTitle: 'Invitation code for {{name}}',
  invitationCode: 'Invitation code',
  invitationExpires: 'Valid until {{at}} (once)',
  invitationHowTo:
    "Give this code to the watcher (it cannot be shown again once this closes). On the console's sign-in page they press “Set my password with an invitation code” and enter this code and a password of their own; then they sign in with the user name “{{username}}” and that password.",
  print: 'Print',
};

/** Adds these words to the console's catalogues (once). */
export function useWatchersMessages() {
  return usePageWords({ watchers: watchersJa }, { watchers: watchersEn }, 'watchers.title').t;
}
