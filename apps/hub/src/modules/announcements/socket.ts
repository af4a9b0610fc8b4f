/** Terminal socket: the catch-up list on connect and the receipts (acked once stored). */
import { Type } from '@sinclair/typebox';
import { ReceiptPayload } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import type { AnnouncementsService } from './service';

export function registerAnnouncementSockets(ctx: HubContext, service: AnnouncementsService): void {
  ctx.sockets.onTerminalConnection(({ socket, principal, on }) => {
    if (principal.kind !== 'terminal') return;
    // The terminal has already joined its rooms (terminals module), so nothing published from now
    // on can fall between this list and the live events; the terminal de-duplicates by id.
    socket.emit('announcement:sync', { announcements: service.forHousehold(principal.householdId) });

    on('announcement:list', { access: 'terminal', schema: EmptyPayload }, () => ({
      announcements: service.forHousehold(principal.householdId),
    }));

    on('announcement:receipt', { access: 'terminal', schema: ReceiptPayload }, async (payload) => {
      await service.receipt(principal, payload);
      return { stored: true as const };
    });
  });
}

const EmptyPayload = Type.Object({}, { additionalProperties: false });
