/** Words of the system status page and the storage banner (Japanese first, English second). */
import { usePageWords } from '../../i18n/catalogue';

export const systemJa = {
  title: 'システムの状態',
  intro:
    'ハブが記録を保存でき、端末へお知らせを届けられる状態かを、項目ごとに示します。10秒ごとに確かめ、変わるとすぐに表示が変わります。',
  overall: {
    ok: 'すべて正常です。',
    degraded: '動いていますが、注意が必要な項目があります。',
    unavailable: '保存や配信ができない状態です。情報システムの担当者に連絡してください。',
  },
  colCheck: '項目',
  colStatus: '状態',
  colDetail: 'くわしく',
  colSince: 'いつから',
  statuses: { ok: '正常', warn: '注意', fail: '異常' },
  since: '{{time}} から',
  checks: {
    database: 'データベース（記録の保存）',
    migrations: 'データベースの版',
    disk: 'ディスクの空き',
    jma: '気象庁の防災情報の取り込み',
    mail: 'メールでの通知',
    push: 'プッシュ通知',
    postgres: 'データベースサーバー（PostgreSQL）',
    redis: 'ハブどうしの連絡（Redis）',
  },
  reasons: {
    ok: '問題ありません。',
    disk_full: 'ディスクがいっぱいで、記録を保存できません。',
    read_only: 'データベースが読み取り専用になっていて、記録を保存できません。',
    io_error: 'ディスクが読み書きの失敗を報告しています。機器の故障のおそれがあります。',
    cannot_open: 'データベースを開けません。',
    full: 'ディスクの空きが足りず、書き込みが失敗しています。',
    reserve:
      '空きが残りわずかです。見守りの記録とお知らせのために空きを残すため、端末の接続状況や音声ファイルの保存を止めています。',
    low: 'ディスクの空きが少なくなっています。早めに空きを増やしてください。',
    behind: 'データベースの更新が済んでいません。ハブを再起動すると更新されます。',
    ahead: '新しい版のハブがデータベースを更新しています。このハブも新しい版にしてください。',
    stale: '新しい情報が届いていません。',
    unreachable: 'つながりません。',
    timeout: '確かめるのに時間がかかりすぎています。',
    error: '確かめられませんでした。',
    unknown: '状態を確かめられません。',
    other: '問題があります。情報システムの担当者に確認してください。',
  },
  freeSpace: '空き {{free}}（全体 {{size}}）',
  bytes: { gb: '{{n}} GB', mb: '{{n}} MB' },
  banner: {
    disk_full: '保存できません：ディスクの空きがありません',
    other: '保存できません：データベースに書き込めません',
    hint: '「元気です」などの端末からの記録は端末に残り、直りしだい自動で届きます。新しいお知らせは送れません。急ぎの連絡はほかの手段で行ってください。',
    low: 'ハブのディスクの空きが少なくなっています（残り {{free}}）。情報システムの担当者に連絡してください。',
    details: 'くわしくは「システムの状態」へ',
  },
};

export const systemEn: typeof systemJa = {
  title: 'System status',
  intro:
    'Whether the hub can store records and deliver announcements to terminals, item by item. Checked every 10 seconds; changes show at once.',
  overall: {
    ok: 'Everything is working.',
    degraded: 'Working, but some items need attention.',
    unavailable: 'The hub cannot store or deliver. Contact your IT staff.',
  },
  colCheck: 'Item',
  colStatus: 'Status',
  colDetail: 'Details',
  colSince: 'Since',
  statuses: { ok: 'OK', warn: 'Attention', fail: 'Problem' },
  since: 'since {{time}}',
  checks: {
    database: 'Database (storing records)',
    migrations: 'Database version',
    disk: 'Free disk space',
    jma: 'JMA disaster information feed',
    mail: 'Notifications by mail',
    push: 'Push notifications',
    postgres: 'Database server (PostgreSQL)',
    redis: 'Link between hubs (Redis)',
  },
  reasons: {
    ok: 'No problem.',
    disk_full: 'The disk is full: records cannot be stored.',
    read_only: 'The database is read-only: records cannot be stored.',
    io_error: 'The disk reports read or write errors. The hardware may be failing.',
    cannot_open: 'The database cannot be opened.',
    full: 'Writes fail for lack of disk space.',
    reserve:
      'Almost no space left. To keep room for check-ins and announcements, terminal presence and voice clips are no longer stored.',
    low: 'Free disk space is low. Make room soon.',
    behind: 'The database has not been updated yet. Restarting the hub updates it.',
    ahead: 'A newer hub has updated the database. Update this hub too.',
    stale: 'No new information has arrived.',
    unreachable: 'Cannot connect.',
    timeout: 'Checking takes too long.',
    error: 'Could not be checked.',
    unknown: 'The status cannot be checked.',
    other: 'There is a problem. Ask your IT staff.',
  },
  freeSpace: '{{free}} free of {{size}}',
  bytes: { gb: '{{n}} GB', mb: '{{n}} MB' },
  banner: {
    disk_full: 'Cannot save: the disk is full',
    other: 'Cannot save: the database cannot be written',
    hint: 'Check-ins and other records from terminals wait on the terminals and arrive by themselves once this is fixed. New announcements cannot be sent: use other channels for anything urgent.',
    low: 'The hub’s disk is running out of space ({{free}} left). Contact your IT staff.',
    details: 'Details on the System status page',
  },
};

/** Adds these words to the console's catalogues (once). */
export function useSystemMessages() {
  return usePageWords({ system: systemJa }, { system: systemEn }, 'system.title');
}
