/** Terminal socket: the catch-up list on connect and the receipts (acked once stored). */
import type { HubContext } from '../../context';
import type { AnnouncementsService } from './service';

export function registerAnnouncementSockets(ctx: HubContext, service: AnnouncementsService): void {
  ctx.sockets.onTerminalConnection(({ socket, principal, on }) => {
    if (principal.kind !== 'terminal') return;
    // The terminal joined its rooms before any connection handler ran (sockets.setRooms), so
    // nothing published from now on can fall between this list and the live events; the terminal
    // de-duplicates by id.
    socket.emit('announcement:sync', { announcements: service.forHousehold(principal.householdId) });

    on('announcement:list', { access: 'terminal' }, () => ({
      announcements: service.forHousehold(principal.householdId),
    }));

    on('announcement:receipt', { access: 'terminal' }, async (payload) => {
      await service.receipt(principal, payload);
      return { stored: true as const };
    });
  });
}
