/**
 * A household's details were edited: copies kept in memory (the calls' names) are dropped on this
 * hub through the domain event, and on other hubs sharing the PostgreSQL database through the change
 * feed, which raises the same event there (with `householdId: null` after a reconnection: any).
 * The edit is answered once the notice is sent.
 */
import type { HubContext } from '../../context';

export const HOUSEHOLDS_CHANNEL = 'households_changed';

/** Resolves once the other hubs are told (a failure to tell is logged, not thrown). */
export async function householdChanged(
  ctx: Pick<HubContext, 'events' | 'changes' | 'sql' | 'log'>,
  householdId: number,
): Promise<void> {
  ctx.events.emit('household.changed', { householdId });
  await ctx.changes
    .notify(ctx.sql, HOUSEHOLDS_CHANNEL, householdId)
    .catch((err: unknown) => ctx.log.error({ err, householdId }, 'household change not sent to other hubs'));
}

export function hearHouseholdChanges(ctx: Pick<HubContext, 'events' | 'changes'>) {
  ctx.changes.subscribe(HOUSEHOLDS_CHANNEL, {
    onChange: (key) => ctx.events.emit('household.changed', { householdId: Number(key) }),
    onReset: () => ctx.events.emit('household.changed', { householdId: null }),
  });
}
