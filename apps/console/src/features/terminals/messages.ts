/** City hall's words for the fleet of terminals (Japanese first, English second). */
import { usePageWords } from '../../i18n/catalogue';

export const fleetJa = {
  title: '端末の一覧',
  intro:
    '各世帯の端末の状態です。バージョンと接続元は、端末が最後につながったときに知らせたものです。音量テストでは端末が音を鳴らし、住民が「聞こえましたか」に答えます。',
  showRevoked: '無効にした端末も表示',
  colHousehold: '世帯',
  colState: '状態',
  colVersion: 'バージョン',
  colAddress: '接続元',
  colCheckin: '最後の「元気です」',
  colVolume: '音量テスト',
  colActions: '操作',
  online: 'オンライン',
  offline: 'オフライン',
  revoked: '無効',
  lastSeen: '最終接続 {{at}}',
  neverSeen: 'まだ接続していません',
  version: 'アプリ {{app}}・通信 第{{protocol}}版',
  unknown: '不明',
  none: 'なし',
  volume: {
    heard: '聞こえた（{{at}}）',
    notHeard: '聞こえなかった（{{at}}）',
    waiting: '答えを待っています（{{at}} に開始）',
  },
  volumeTest: '音量テスト',
  restart: '再起動',
  replace: '交換',
  volumeStarted: '{{name}} の端末で音を鳴らしました。住民の答えを待っています。',
  volumeAnswered: '{{name}} さんの答え：{{answer}}',
  answerHeard: '聞こえた',
  answerNotHeard: '聞こえなかった',
  restarted: '{{name}} の端末に再起動を頼みました。まもなくつながり直します。',
  restartTitle: '端末を再起動しますか？',
  restartBody: '{{name}} の端末のアプリを再起動します。通話中なら切れます。1分ほどでつながり直します。',
  replaceTitle: '端末を交換しますか？',
  replaceBody:
    '{{name}} のいまの端末を無効にし、同じ世帯の新しい登録コードを出します。新しい端末でこのコードを入力してください。',
};

export const fleetEn: typeof fleetJa = {
  title: 'Terminals',
  intro:
    "Every household's terminal. The versions and the address are what the terminal reported when it last connected. A volume test plays a sound on the terminal and the resident answers “Did you hear it?”.",
  showRevoked: 'Show revoked terminals too',
  colHousehold: 'Household',
  colState: 'State',
  colVersion: 'Version',
  colAddress: 'Connects from',
  colCheckin: 'Last “I’m fine”',
  colVolume: 'Volume test',
  colActions: 'Actions',
  online: 'Online',
  offline: 'Offline',
  revoked: 'Revoked',
  lastSeen: 'Last seen {{at}}',
  neverSeen: 'Never connected',
  version: 'App {{app}}, protocol v{{protocol}}',
  unknown: 'unknown',
  none: 'none',
  volume: {
    heard: 'Heard ({{at}})',
    notHeard: 'Not heard ({{at}})',
    waiting: 'Waiting for the answer (started {{at}})',
  },
  volumeTest: 'Volume test',
  restart: 'Restart',
  replace: 'Replace',
  volumeStarted: 'The terminal of {{name}} played the sound. Waiting for the resident’s answer.',
  volumeAnswered: 'Answer from {{name}}: {{answer}}',
  answerHeard: 'heard it',
  answerNotHeard: 'did not hear it',
  restarted: 'The terminal of {{name}} was asked to restart. It will connect again shortly.',
  restartTitle: 'Restart the terminal?',
  restartBody:
    'The app on the terminal of {{name}} restarts; a call in progress ends. It connects again within a minute.',
  replaceTitle: 'Replace the terminal?',
  replaceBody:
    'The current terminal of {{name}} is revoked and a new enrollment code is issued for the same household. Enter the code on the new terminal.',
};

/** Adds these words to the console's catalogues (once). */
export function useFleetMessages() {
  return usePageWords({ fleet: fleetJa }, { fleet: fleetEn }, 'fleet.title');
}
