/**
 * The words of a notification about a watch alert: whose household, what happened, when, and that
 * one tap acknowledges it. Plain Japanese for busy staff and family (the console's language);
 * no internal codes.
 */
import type { WatchAlert } from '@tsunagu/protocol';

const KIND: Record<WatchAlert['kind'], string> = {
  missed_checkin: '「元気です」の連絡がありません',
  terminal_offline: '端末がつながっていません',
  district_outage: '地区の多くの端末がつながっていません',
  concern: '気がかりな様子の連絡がありました',
  help_request: '助けを求めています',
  safety_unanswered: '安否確認に答えがありません',
  missed_call: '予定の電話に出ませんでした',
};

const URGENCY: Record<string, string> = { worried: '気になる', visit: '訪問が必要', urgent: '緊急' };

export interface AlertWords {
  title: string;
  body: string;
  urgent: boolean;
}

export function alertWords(a: WatchAlert, options: { timeZone: string; districtName?: string | null }): AlertWords {
  const time = (iso: string) =>
    new Intl.DateTimeFormat('ja-JP', {
      timeZone: options.timeZone,
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(iso));
  const opened = a.events.find((e) => e.type === 'opened')?.detail ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const urgency = str(opened.urgency);
  const urgent = a.kind === 'help_request' || urgency === 'urgent';
  const who = a.householdName ? `${a.householdName}さん` : `${options.districtName ?? `地区 ${a.districtId}`}`;

  const lines: string[] = [];
  switch (a.kind) {
    case 'missed_checkin': {
      const deadline = str(opened.deadline);
      lines.push(
        `${who}から、${deadline ? `${time(deadline)} の締め切りまでに` : '今日'}「元気です」の連絡がありませんでした。`,
      );
      break;
    }
    case 'help_request':
      lines.push(
        opened.source === 'safety_check'
          ? `${who}が安否確認で「助けが必要です」と答えました。`
          : `${who}が端末の「助けて」ボタンで助けを求めています。`,
      );
      break;
    case 'concern': {
      const note = str(opened.note);
      lines.push(
        `${who}について、気がかりな様子の連絡がありました${urgency ? `（${URGENCY[urgency] ?? urgency}）` : ''}。`,
      );
      if (note) lines.push(`「${note}」`);
      break;
    }
    default:
      lines.push(`${who}: ${KIND[a.kind]}。`);
  }
  if (a.test) lines.unshift('【テスト】これは市役所による見守りの予定のテストです。本当の連絡ではありません。');
  lines.push(`受付 ${time(a.openedAt)}`);
  if (a.level >= 2) lines.push('最初にお知らせした方がまだ確認していないため、お知らせしています。');
  lines.push('確認したら「確認しました」を押してください。');

  const title = `${a.test ? '【テスト】' : urgent ? '【至急】' : '【見守り】'}${who}: ${KIND[a.kind]}`;
  return { title, body: lines.join('\n'), urgent };
}
