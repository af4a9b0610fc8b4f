/**
 * Shop and catalogue management: city hall creates shops and the listening line; city hall and the
 * shop's own staff edit opening hours and the catalogue. Item photos are uploaded (JPEG, PNG or
 * WebP, stored in the database) or given as a URL.
 */

import type { AuditAction } from '@tsunagu/protocol';
import { PHOTO_CONTENT_TYPES } from '@tsunagu/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubContext } from '../../context';
import { AppError, forbidden, notFound } from '../../lib/errors';
import type { Principal } from '../../lib/principal';
import { cityhall, shopStaff } from '../../lib/principal';
import { acceptRawBodies, tableRoutes } from '../../lib/route';
import { audited } from '../audit/store';
import type { PhotoMime, ShopsStore } from './store';

export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;

/** City hall may manage every shop; operators and listeners only their own. */
export function canManageShop(p: Principal | null, shopId: number): boolean {
  if (!p || p.kind === 'terminal') return false;
  if (p.kind === 'apikey') return p.role === 'cityhall';
  if (p.user.role === 'cityhall') return true;
  return (p.user.role === 'operator' || p.user.role === 'listener') && p.user.shopId === shopId;
}

function sniff(buf: Buffer): PhotoMime | null {
  if (buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.length > 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (
    buf.length > 12 &&
    buf.subarray(0, 4).toString('latin1') === 'RIFF' &&
    buf.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}

export function shopsManagementRoutes(ctx: HubContext, shops: ShopsStore) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, ['shops']);
    acceptRawBodies(app, PHOTO_CONTENT_TYPES, MAX_PHOTO_BYTES);

    const audit = (request: FastifyRequest, action: AuditAction, target: string, detail?: Record<string, unknown>) =>
      audited(ctx.audit, request, action, target, detail);
    const managed = async (request: FastifyRequest, shopId: number) => {
      if (!(await shops.get(shopId))) throw notFound('shop');
      if (!canManageShop(request.principal, shopId))
        throw forbidden('Only city hall and this shop’s own staff can change it.');
    };

    const managedItem = async (request: FastifyRequest, shopId: number, itemId: number) => {
      await managed(request, shopId);
      if (!(await shops.item(shopId, itemId))) throw notFound('item');
    };

    add('GET /api/shops/:id/catalogue', { access: 'staff' }, async (request) => {
      const { id } = request.params;
      const shop = await shops.get(id);
      if (!shop) throw notFound('shop');
      return { shop, items: await shops.items(id) };
    });

    add('POST /api/shops', { access: cityhall }, async (request, reply) => {
      const body = request.body;
      const id = await shops.create(body, ctx.clock.now());
      await audit(request, 'shop.created', `shop:${id}`, { name: body.name, kind: body.kind });
      return reply.status(201).send((await shops.get(id))!);
    });

    add('PATCH /api/shops/:id', { access: shopStaff }, async (request) => {
      const { id } = request.params;
      await managed(request, id);
      await shops.update(id, request.body);
      await audit(request, 'shop.updated', `shop:${id}`, request.body);
      return shops.get(id);
    });

    add('DELETE /api/shops/:id', { access: cityhall }, async (request) => {
      const { id } = request.params;
      if (!(await shops.get(id))) throw notFound('shop');
      await shops.archive(id);
      await audit(request, 'shop.archived', `shop:${id}`);
      return { ok: true as const };
    });

    add('POST /api/shops/:id/items', { access: shopStaff }, async (request, reply) => {
      const { id } = request.params;
      await managed(request, id);
      const b = request.body;
      const itemId = await shops.addItem({
        shopId: id,
        name: b.name,
        priceYen: b.priceYen,
        unit: b.unit,
        photoUrl: b.photoUrl ?? null,
      });
      await audit(request, 'shop.item_added', `shop:${id}`, { itemId, name: b.name });
      return reply.status(201).send((await shops.item(id, itemId))!);
    });

    add('PATCH /api/shops/:id/items/:itemId', { access: shopStaff }, async (request) => {
      const { id, itemId } = request.params;
      await managedItem(request, id, itemId);
      await shops.updateItem(itemId, request.body);
      await audit(request, 'shop.item_updated', `shop:${id}`, { itemId });
      return shops.item(id, itemId);
    });

    add('DELETE /api/shops/:id/items/:itemId', { access: shopStaff }, async (request) => {
      const { id, itemId } = request.params;
      await managedItem(request, id, itemId);
      await shops.removeItem(itemId);
      await audit(request, 'shop.item_removed', `shop:${id}`, { itemId });
      return { ok: true as const };
    });

    add(
      'PUT /api/shops/:id/items/:itemId/photo',
      { access: shopStaff, bodyLimit: MAX_PHOTO_BYTES },
      async (request) => {
        const { id, itemId } = request.params;
        await managedItem(request, id, itemId);
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0)
          throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the photo as image/jpeg, image/png or image/webp.');
        const mime = sniff(body);
        if (!mime || mime !== request.headers['content-type'])
          throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'That file is not a JPEG, PNG or WebP photo.');
        await shops.setPhoto(itemId, body, mime);
        await audit(request, 'shop.item_photo', `shop:${id}`, { itemId, bytes: body.length });
        return shops.item(id, itemId);
      },
    );

    // Photos are product pictures, shown on terminals and consoles alike.
    add('GET /api/shop-photos/:id', { access: 'public' }, async (request, reply) => {
      const { id } = request.params;
      const p = await shops.photo(id);
      if (!p) throw notFound('photo');
      return reply
        .header('content-type', p.mime)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(p.data);
    });
  };
}
