/** Orders taken on a call: lines from the catalogue or free text, the resident's confirmation, delivery. */
import { type Static, Type } from '@sinclair/typebox';
import { Closed, Id, literals, Name, Nullable } from './common';
import { householdRef, listOf, NonNegativeInt, PageLimit, shopRef } from './fragments';

export const OrderStatus = literals(
  'draft',
  'awaiting_confirmation',
  'received',
  'preparing',
  'out_for_delivery',
  'delivered',
  'cancelled',
);
export type OrderStatus = Static<typeof OrderStatus>;

/** Which status may follow which; everything else is refused with INVALID_TRANSITION. */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  draft: ['awaiting_confirmation', 'cancelled'],
  awaiting_confirmation: ['received', 'draft', 'cancelled'],
  received: ['preparing', 'cancelled'],
  preparing: ['out_for_delivery', 'cancelled'],
  out_for_delivery: ['delivered', 'cancelled'],
  delivered: [],
  cancelled: [],
};

export const OrderLineInput = Closed({
  /** A catalogue item of the order's shop; or null for a free line. */
  itemId: Type.Optional(Nullable(Id)),
  name: Type.Optional(Name),
  quantity: Type.Integer({ minimum: 1, maximum: 99 }),
  unit: Type.Optional(Type.String({ maxLength: 20 })),
  priceYen: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))),
});
export type OrderLineInput = Static<typeof OrderLineInput>;

export const OrderLine = Type.Object({
  itemId: Nullable(Id),
  name: Name,
  quantity: Type.Integer({ minimum: 1 }),
  unit: Type.String(),
  priceYen: Nullable(NonNegativeInt),
  photoUrl: Nullable(Type.String()),
});
export type OrderLine = Static<typeof OrderLine>;

export const DeliveryWellbeing = literals('well', 'concern');
export type DeliveryWellbeing = Static<typeof DeliveryWellbeing>;

export const Order = Type.Object({
  id: Id,
  ...shopRef,
  ...householdRef,
  /** Where the shop delivers, and the number to call about it (the household's). */
  deliveryAddress: Type.String(),
  deliveryPhone: Nullable(Type.String()),
  callId: Nullable(Id),
  status: OrderStatus,
  lines: Type.Array(OrderLine),
  totalYen: Nullable(Type.Integer()),
  note: Type.String(),
  createdBy: Nullable(Id),
  createdAt: Type.String(),
  confirmedAt: Nullable(Type.String()),
  updatedAt: Type.String(),
  wellbeing: Nullable(DeliveryWellbeing),
  deliveryNote: Type.String(),
});
export type Order = Static<typeof Order>;
export const OrderList = listOf('orders', Order);

export const CreateOrderBody = Closed({
  shopId: Id,
  householdId: Id,
  callId: Type.Optional(Id),
  lines: Type.Array(OrderLineInput, { minItems: 1, maxItems: 50 }),
  note: Type.Optional(Type.String({ maxLength: 500 })),
});
export type CreateOrderBody = Static<typeof CreateOrderBody>;

export const UpdateOrderLinesBody = Closed({
  lines: Type.Array(OrderLineInput, { minItems: 1, maxItems: 50 }),
  note: Type.Optional(Type.String({ maxLength: 500 })),
});
export type UpdateOrderLinesBody = Static<typeof UpdateOrderLinesBody>;

export const OrderStatusBody = Closed({ status: literals('preparing', 'out_for_delivery', 'cancelled') });
export type OrderStatusBody = Static<typeof OrderStatusBody>;

export const DeliverBody = Closed({
  wellbeing: DeliveryWellbeing,
  note: Type.Optional(Type.String({ maxLength: 1000 })),
});
export type DeliverBody = Static<typeof DeliverBody>;

export const OrdersQuery = Closed({
  shopId: Type.Optional(Id),
  householdId: Type.Optional(Id),
  status: Type.Optional(OrderStatus),
  limit: PageLimit(500),
});
export type OrdersQuery = Static<typeof OrdersQuery>;

/** A message about an order for a terminal, persisted first and acknowledged by the terminal. */
export const OrderMessage = Type.Object({
  messageId: Id,
  kind: literals('confirm_request', 'status'),
  order: Order,
});
export type OrderMessage = Static<typeof OrderMessage>;

export const OrderRespondBody = Closed({ orderId: Id, accept: Type.Boolean() });
export type OrderRespondBody = Static<typeof OrderRespondBody>;
export const OrderAckBody = Closed({ messageIds: Type.Array(Id, { minItems: 1, maxItems: 200 }) });
export type OrderAckBody = Static<typeof OrderAckBody>;
export const OrdersAcknowledged = Type.Object({ acknowledged: NonNegativeInt });
