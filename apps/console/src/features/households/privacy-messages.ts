/**
 * An administrator's words for a household's personal data (who read it, the export for the
 * resident, erasure): Japanese first, English second, added to the console's i18n when needed.
 */
import { usePageWords } from '../../i18n/catalogue';

export const privacyJa = {
  open: '個人情報',
  erasedName: '世帯 {{id}}',
  erasedTag: '個人情報を消去済み',
  title: '{{name}}：個人情報',
  readsHeading: 'この世帯の情報を見た人',
  readsIntro: '市役所の職員やシステムがこの世帯の個人情報を表示した記録です（新しい順）。',
  readsEmpty: 'まだ誰も見ていません。',
  colWhen: '日時',
  colWho: '見た人',
  colWhat: '見た内容',
  colFrom: '接続元',
  unknownPlace: '不明',
  apiKey: '連携システム「{{name}}」',
  what: {
    record: '世帯の情報',
    history: '見守りの30日の記録',
    follow_ups: '対応が必要な世帯の一覧',
    export: '本人への開示用の書き出し',
  },
  exportHeading: '本人への開示（JSON / CSV）',
  exportIntro:
    'この世帯について保存しているすべての情報を書き出します。本人から開示を求められたときに渡します。書き出したことは記録に残ります。',
  exportJson: 'JSON で書き出す',
  exportCsv: 'CSV で書き出す',
  eraseHeading: '個人情報を消去',
  eraseOpenOnly: '消去できるのは閉じた世帯だけです。先に「この世帯を閉じる」を行ってください。',
  eraseIntro: '本人から利用停止・削除を求められたときに、この世帯の個人情報を消します。元には戻せません。',
  eraseOpen: '個人情報を消去',
  eraseTitle: '個人情報を消去しますか？',
  eraseRemoved: '消えるもの',
  eraseRemovedList: [
    '世帯の名前、ふりがな、住所、電話番号、メモ、支援が必要な理由、閉じた理由',
    '住民の氏名',
    '見守り担当者の割り当て',
    '端末の名前、注文のメモ、見守りの対応メモ',
  ],
  eraseKept: '残るもの（名前のない統計として）',
  eraseKeptList: [
    '世帯の番号と地区',
    '安否確認・お知らせの受信・注文・通話の件数と日時',
    '操作の記録（だれがいつ消去したか）',
  ],
  eraseUndo: 'この操作は取り消せません。',
  eraseConfirm: '消去する',
  erased:
    '世帯 {{id}} の個人情報を消去しました（住民 {{residents}} 人、見守り担当者 {{watchers}} 人の割り当てを削除）。',
};

export const privacyEn: typeof privacyJa = {
  open: 'Personal data',
  erasedName: 'Household {{id}}',
  erasedTag: 'Personal data erased',
  title: '{{name}}: personal data',
  readsHeading: 'Who looked at this household',
  readsIntro: "Each time staff or a connected system displayed this household's personal data (newest first).",
  readsEmpty: 'Nobody has looked at it yet.',
  colWhen: 'When',
  colWho: 'Who',
  colWhat: 'What',
  colFrom: 'From',
  unknownPlace: 'unknown',
  apiKey: 'Connected system “{{name}}”',
  what: {
    record: "The household's record",
    history: 'The 30-day watch history',
    follow_ups: 'The list of households to follow up',
    export: 'The export for the resident',
  },
  exportHeading: 'Disclosure to the resident (JSON / CSV)',
  exportIntro:
    'Downloads everything stored about this household, to hand over when the resident asks for it. The download is recorded.',
  exportJson: 'Download as JSON',
  exportCsv: 'Download as CSV',
  eraseHeading: 'Erase personal data',
  eraseOpenOnly: 'Only a closed household can be erased. Close this household first.',
  eraseIntro:
    "When the resident asks to stop using and delete their data, this removes the household's personal data. It cannot be undone.",
  eraseOpen: 'Erase personal data',
  eraseTitle: 'Erase the personal data?',
  eraseRemoved: 'Removed',
  eraseRemovedList: [
    "The household's name, kana, address, phone number, notes, reason for assistance, reason for closing",
    "The residents' names",
    'Its watchers',
    "The terminal's name, order notes, watch follow-up notes",
  ],
  eraseKept: 'Kept (as statistics without names)',
  eraseKeptList: [
    "The household's number and district",
    'How many check-ins, received announcements, orders and calls, and when',
    'The audit log (who erased it, when)',
  ],
  eraseUndo: 'This cannot be undone.',
  eraseConfirm: 'Erase',
  erased: "Household {{id}}'s personal data erased ({{residents}} residents; {{watchers}} watchers removed).",
};

/** Adds these words to the console's catalogues (once). */
export function usePrivacyMessages() {
  return usePageWords({ privacy: privacyJa }, { privacy: privacyEn }, 'privacy.open');
}
