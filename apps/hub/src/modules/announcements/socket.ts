/** Terminal socket: the catch-up list on connect and the receipts (acked once stored). */
import type { HubContext } from '../../context';
import { terminalOf } from '../../lib/principal';
import type { AnnouncementsService } from './service';

export function registerAnnouncementSockets(ctx: HubContext, service: AnnouncementsService): void {
  ctx.sockets.onTerminalConnection(({ socket, principal }) => {
    if (principal.kind !== 'terminal') return;
    // The terminal joined its rooms before any connection handler ran (sockets.setRooms), so
    // nothing published from now on can fall between this list and the live events; the terminal
    // de-duplicates by id.
    service.forHousehold(principal.householdId).then(
      (announcements) => socket.emit('announcement:sync', { announcements }),
      (err: unknown) => ctx.log.error({ err }, 'announcement catch-up list failed'),
    );
  });

  ctx.sockets.terminalCommand('announcement:list', { access: 'terminal' }, async (_payload, { principal }) => ({
    announcements: await service.forHousehold(terminalOf(principal).householdId),
  }));

  ctx.sockets.terminalCommand('announcement:receipt', { access: 'terminal' }, async (payload, { principal }) => {
    await service.receipt(terminalOf(principal), payload);
    return { stored: true as const };
  });
}
