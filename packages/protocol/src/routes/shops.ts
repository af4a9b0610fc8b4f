/** Routes of the REST table (api.ts): shops and catalogues, the call queues, and orders. */
import { CallHistory, CallHistoryQuery, IceServersResponse, QueueView, QueueViewList } from '../calls';
import { Binary, OkResponse } from '../common';
import * as ex from '../examples';
import {
  CreateOrderBody,
  DeliverBody,
  Order,
  OrderList,
  OrderStatusBody,
  OrdersQuery,
  UpdateOrderLinesBody,
} from '../orders';
import {
  Catalogue,
  CatalogueItem,
  CreateItemBody,
  CreateShopBody,
  Shop,
  ShopItemParams,
  ShopList,
  UpdateItemBody,
  UpdateShopBody,
} from '../shops';
import { onRecord, type RouteKey, type RouteSpec, route } from '../wire';

const item = { id: 1, itemId: 5 };
/** The photo types PUT …/items/:itemId/photo takes. */
export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

export const shopsRoutes = {
  // ---- shops and catalogues ----------------------------------------------------------------
  'GET /api/shops': route({ response: { 200: ShopList }, examples: { response: { 200: { shops: [ex.shop] } } } }),
  'GET /api/shops/:id/catalogue': onRecord(1, {
    response: { 200: Catalogue },
    examples: { response: { 200: { shop: ex.shop, items: [ex.catalogueItem] } } },
  }),
  'POST /api/shops': route({
    body: CreateShopBody,
    response: { 201: Shop },
    examples: {
      body: { name: '大沢マート', category: 'supermarket', kind: 'shop', openingHours: ex.shop.openingHours },
      response: { 201: ex.shop },
    },
  }),
  'PATCH /api/shops/:id': onRecord(1, {
    body: UpdateShopBody,
    response: { 200: Shop },
    examples: { body: { openingHours: ex.shop.openingHours }, response: { 200: ex.shop } },
  }),
  'DELETE /api/shops/:id': onRecord(1, {
    response: { 200: OkResponse },
    examples: { response: { 200: ex.ok } },
  }),
  'POST /api/shops/:id/items': onRecord(1, {
    body: CreateItemBody,
    response: { 201: CatalogueItem },
    examples: {
      body: { name: '牛乳', priceYen: 220, unit: '本' },
      response: { 201: { ...ex.catalogueItem, photoUrl: null } },
    },
  }),
  'PATCH /api/shops/:id/items/:itemId': route({
    params: ShopItemParams,
    body: UpdateItemBody,
    response: { 200: CatalogueItem },
    examples: { params: item, body: { priceYen: 230 }, response: { 200: { ...ex.catalogueItem, priceYen: 230 } } },
  }),
  'DELETE /api/shops/:id/items/:itemId': route({
    params: ShopItemParams,
    response: { 200: OkResponse },
    examples: { params: item, response: { 200: ex.ok } },
  }),
  'PUT /api/shops/:id/items/:itemId/photo': route({
    params: ShopItemParams,
    consumes: PHOTO_CONTENT_TYPES,
    response: { 200: CatalogueItem },
    examples: { params: item, response: { 200: ex.catalogueItem } },
  }),
  'GET /api/shop-photos/:id': onRecord(5, {
    produces: 'image/jpeg, image/png or image/webp',
    response: { 200: Binary },
    examples: { response: { 200: '(the photo)' } },
  }),
  // ---- calls -------------------------------------------------------------------------------
  'GET /api/calls/queues': route({
    response: { 200: QueueViewList },
    examples: { response: { 200: { queues: [ex.queueView] } } },
  }),
  'GET /api/calls/queues/:id': onRecord(1, {
    response: { 200: QueueView },
    examples: { response: { 200: ex.queueView } },
  }),
  'GET /api/calls': route({
    querystring: CallHistoryQuery,
    response: { 200: CallHistory },
    examples: {
      querystring: { shopId: 1, limit: 100 },
      response: {
        200: {
          calls: [
            {
              callId: 11,
              shopId: 1,
              householdId: 7,
              householdName: '山田',
              operatorId: 6,
              direction: 'inbound',
              status: 'ended',
              requestedAt: ex.at,
              answeredAt: ex.at,
              endedAt: ex.later,
            },
          ],
        },
      },
    },
  }),
  'GET /api/calls/ice-servers': route({
    response: { 200: IceServersResponse },
    examples: { response: { 200: ex.iceServers } },
  }),
  // ---- orders ------------------------------------------------------------------------------
  'GET /api/orders': route({
    querystring: OrdersQuery,
    response: { 200: OrderList },
    examples: { querystring: { shopId: 1, status: 'received', limit: 100 }, response: { 200: { orders: [ex.order] } } },
  }),
  'GET /api/orders/:id': onRecord(31, {
    response: { 200: Order },
    examples: { response: { 200: ex.order } },
  }),
  'POST /api/orders': route({
    body: CreateOrderBody,
    response: { 201: Order },
    examples: {
      body: { shopId: 1, householdId: 7, callId: 11, lines: [{ itemId: 5, quantity: 2 }] },
      response: { 201: { ...ex.order, status: 'draft' } },
    },
  }),
  'PUT /api/orders/:id/lines': onRecord(31, {
    body: UpdateOrderLinesBody,
    response: { 200: Order },
    examples: {
      body: { lines: [{ itemId: null, name: '食パン', quantity: 1, unit: '斤', priceYen: 180 }], note: '八枚切り' },
      response: { 200: { ...ex.order, status: 'draft' } },
    },
  }),
  'POST /api/orders/:id/send': onRecord(31, {
    response: { 200: Order },
    examples: { response: { 200: ex.order } },
  }),
  'POST /api/orders/:id/status': onRecord(31, {
    body: OrderStatusBody,
    response: { 200: Order },
    examples: {
      body: { status: 'preparing' },
      response: { 200: { ...ex.order, status: 'preparing' } },
    },
  }),
  'POST /api/orders/:id/deliver': onRecord(31, {
    body: DeliverBody,
    response: { 200: Order },
    examples: {
      body: { wellbeing: 'well', note: 'お元気そうでした' },
      response: { 200: { ...ex.order, status: 'delivered', wellbeing: 'well', deliveryNote: 'お元気そうでした' } },
    },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
