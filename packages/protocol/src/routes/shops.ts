/** Routes of the REST table (api.ts): shops and catalogues, the call queues, and orders. */
import {
  CallHistory,
  type CallHistoryItem,
  CallHistoryQuery,
  IceServersResponse,
  QueueView,
  QueueViewList,
} from '../calls';
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
import { onRecord, type RouteKey, type RouteSpec, route, sample } from '../wire';

const item = { id: 1, itemId: 5 };
const call: CallHistoryItem = {
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
};
/** The photo types PUT …/items/:itemId/photo takes. */
export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

export const shopsRoutes = {
  // ---- shops and catalogues ----------------------------------------------------------------
  'GET /api/shops': route({ response: { 200: sample(ShopList, { shops: [ex.shop] }) } }),
  'GET /api/shops/:id/catalogue': onRecord(1, {
    response: { 200: sample(Catalogue, { shop: ex.shop, items: [ex.catalogueItem] }) },
  }),
  'POST /api/shops': route({
    body: sample(CreateShopBody, {
      name: '大沢マート',
      category: 'supermarket',
      kind: 'shop',
      openingHours: ex.shop.openingHours,
    }),
    response: { 201: sample(Shop, ex.shop) },
  }),
  'PATCH /api/shops/:id': onRecord(1, {
    body: sample(UpdateShopBody, { openingHours: ex.shop.openingHours }),
    response: { 200: sample(Shop, ex.shop) },
  }),
  'DELETE /api/shops/:id': onRecord(1, { response: { 200: sample(OkResponse, ex.ok) } }),
  'POST /api/shops/:id/items': onRecord(1, {
    body: sample(CreateItemBody, { name: '牛乳', priceYen: 220, unit: '本' }),
    response: { 201: sample(CatalogueItem, { ...ex.catalogueItem, photoUrl: null }) },
  }),
  'PATCH /api/shops/:id/items/:itemId': route({
    params: sample(ShopItemParams, item),
    body: sample(UpdateItemBody, { priceYen: 230 }),
    response: { 200: sample(CatalogueItem, { ...ex.catalogueItem, priceYen: 230 }) },
  }),
  'DELETE /api/shops/:id/items/:itemId': route({
    params: sample(ShopItemParams, item),
    response: { 200: sample(OkResponse, ex.ok) },
  }),
  'PUT /api/shops/:id/items/:itemId/photo': route({
    params: sample(ShopItemParams, item),
    consumes: PHOTO_CONTENT_TYPES,
    response: { 200: sample(CatalogueItem, ex.catalogueItem) },
  }),
  'GET /api/shop-photos/:id': onRecord(5, {
    produces: 'image/jpeg, image/png or image/webp',
    response: { 200: sample(Binary, '(the photo)') },
  }),
  // ---- calls -------------------------------------------------------------------------------
  'GET /api/calls/queues': route({ response: { 200: sample(QueueViewList, { queues: [ex.queueView] }) } }),
  'GET /api/calls/queues/:id': onRecord(1, { response: { 200: sample(QueueView, ex.queueView) } }),
  'GET /api/calls': route({
    querystring: sample(CallHistoryQuery, { shopId: 1, limit: 100 }),
    response: {
      200: sample(CallHistory, { calls: [call] }),
    },
  }),
  'GET /api/calls/ice-servers': route({ response: { 200: sample(IceServersResponse, ex.iceServers) } }),
  // ---- orders ------------------------------------------------------------------------------
  'GET /api/orders': route({
    querystring: sample(OrdersQuery, { shopId: 1, status: 'received', limit: 100 }),
    response: { 200: sample(OrderList, { orders: [ex.order] }) },
  }),
  'GET /api/orders/:id': onRecord(31, { response: { 200: sample(Order, ex.order) } }),
  'POST /api/orders': route({
    body: sample(CreateOrderBody, { shopId: 1, householdId: 7, callId: 11, lines: [{ itemId: 5, quantity: 2 }] }),
    response: { 201: sample(Order, { ...ex.order, status: 'draft' }) },
  }),
  'PUT /api/orders/:id/lines': onRecord(31, {
    body: sample(UpdateOrderLinesBody, {
      lines: [{ itemId: null, name: '食パン', quantity: 1, unit: '斤', priceYen: 180 }],
      note: '八枚切り',
    }),
    response: { 200: sample(Order, { ...ex.order, status: 'draft' }) },
  }),
  'POST /api/orders/:id/send': onRecord(31, { response: { 200: sample(Order, ex.order) } }),
  'POST /api/orders/:id/status': onRecord(31, {
    body: sample(OrderStatusBody, { status: 'preparing' }),
    response: { 200: sample(Order, { ...ex.order, status: 'preparing' }) },
  }),
  'POST /api/orders/:id/deliver': onRecord(31, {
    body: sample(DeliverBody, { wellbeing: 'well', note: 'お元気そうでした' }),
    response: {
      200: sample(Order, { ...ex.order, status: 'delivered', wellbeing: 'well', deliveryNote: 'お元気そうでした' }),
    },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
