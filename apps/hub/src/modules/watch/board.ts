/** The watchers' board (today, per household) and a resident's history, day by day. */
import type { BoardRow, BoardStatus, HistoryDay, ResidentHistory, WatchBoard } from '@tsunagu/protocol';
import { notFound } from '../../lib/errors';
import { dayAt, windowFor } from '../checkins/plan';
import { addDays, localDate } from '../checkins/time';
import { iso, type Plans, type WatchContext, type WatchDeps } from './parts';

export interface BoardViews {
  /** Today's row per household (`null`: every household). */
  board(householdIds: number[] | null): Promise<WatchBoard>;
  history(householdId: number, days: number): Promise<ResidentHistory>;
}

export function createBoardViews(ctx: WatchContext, deps: WatchDeps & { plans: Plans }): BoardViews {
  const { checkins, alerts, households, plans } = deps;
  const { clock } = ctx;
  const tz = ctx.config.timeZone;

  async function board(householdIds: number[] | null): Promise<WatchBoard> {
    const now = clock.now();
    const all =
      householdIds === null
        ? await households.list()
        : await households.list({ ids: householdIds, includeClosed: true });
    const watched = new Map((await checkins.watchedHouseholds()).map((w) => [w.householdId, w]));
    const outages = new Map((await alerts.activeDistrictOutages()).map((a) => [a.districtId, a]));
    const counts: Record<string, number> = {};
    const rows: BoardRow[] = [];
    for (const h of all) {
      const w = watched.get(h.id);
      const active = await alerts.activeForHousehold(h.id);
      const base = {
        householdId: h.id,
        householdName: h.name,
        districtId: h.districtId,
        terminalOnline: !!w && (w.online || deps.connectedCount(w.terminalId) > 0),
        openAlertIds: active.map((a) => a.id),
        possibleOutage: active.some((a) => a.possibleOutage) || outages.has(h.districtId),
      };
      let row: BoardRow;
      if (!w) {
        row = { ...base, status: 'no_terminal', deadline: null, checkedInAt: null, mood: null, signOfLife: null };
      } else {
        const plan = await plans.planFor(h.id);
        const win = windowFor(plan, dayAt(plan, now, tz), tz);
        const sign = await checkins.firstSign(h.id, win.opensAt, win.closesAt, plan.signsOfLife);
        const daySigns = sign ? await checkins.signs(h.id, win.opensAt, win.closesAt) : [];
        const mood = daySigns.filter((s) => s.mood !== null).at(-1)?.mood ?? null;
        const missed = active.find((a) => a.kind === 'missed_checkin' && a.planTestId === null);
        let status: BoardStatus;
        if (sign) status = sign.at <= win.deadline ? 'checked_in' : 'late';
        else if (missed && missed.level >= 1) status = 'escalated';
        else if (missed || (win.scheduled && now >= win.deadline && win.deadline > w.enrolledAt)) status = 'missed';
        else if (!base.terminalOnline) status = 'terminal_offline';
        else if (!win.scheduled) status = 'day_off';
        else status = 'waiting';
        row = {
          ...base,
          status,
          deadline: iso(win.deadline),
          checkedInAt: sign ? iso(sign.at) : null,
          mood,
          signOfLife: sign?.kind ?? null,
        };
      }
      counts[row.status] = (counts[row.status] ?? 0) + 1;
      rows.push(row);
    }
    return { day: localDate(now, tz), generatedAt: iso(now), rows, counts };
  }

  async function history(householdId: number, days: number): Promise<ResidentHistory> {
    const h = await households.get(householdId);
    if (!h) throw notFound('household');
    const plan = await plans.planFor(householdId);
    const now = clock.now();
    const today = dayAt(plan, now, tz);
    const first = addDays(today, -(days - 1));
    const missed = await alerts.missedByDay(householdId, first, today);
    // Days before the terminal was there (or with none) were not watched: not "missed".
    const watchedSince = (await checkins.watchedHousehold(householdId))?.enrolledAt ?? Number.POSITIVE_INFINITY;
    const out: HistoryDay[] = [];
    for (let i = 0; i < days; i++) {
      const day = addDays(first, i);
      const w = windowFor(plan, day, tz);
      const signs = await checkins.signs(householdId, w.opensAt, w.closesAt);
      const counted = signs.filter((s) => plan.signsOfLife.includes(s.kind));
      const firstSign = counted[0];
      const mood = signs.filter((s) => s.mood !== null).at(-1)?.mood ?? null;
      let status: HistoryDay['status'];
      if (firstSign) status = firstSign.at <= w.deadline ? 'checked_in' : 'late';
      else if (missed.has(day)) status = 'missed';
      else if (w.deadline <= watchedSince) status = 'not_watched';
      else if (day === today && now < w.deadline) status = 'today';
      else if (!w.scheduled) status = 'day_off';
      else status = 'missed';
      out.push({
        day,
        status,
        checkedInAt: firstSign ? iso(firstSign.at) : null,
        mood,
        signs: [...new Set(signs.map((s) => s.kind))],
      });
    }
    return { householdId, householdName: h.name, days: out };
  }

  // ---- wiring ----------------------------------------------------------------------------------

  return { board, history };
}
