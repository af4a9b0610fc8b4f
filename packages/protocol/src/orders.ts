/** Orders taken on a call: lines from the catalogue or free text, the resident's confirmation, delivery. */
import { type Static, Type } from '@sinclair/typebox';
import { Id, literals, Name } from './common';

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

export const OrderLineInput = Type.Object(
  {
    /** A catalogue item of the order's shop; or null for a free line. */
    itemId: Type.Optional(Type.Union([Id, Type.Null()])),
    name: Type.Optional(Name),
    quantity: Type.Integer({ minimum: 1, maximum: 99 }),
    unit: Type.Optional(Type.String({ maxLength: 20 })),
    priceYen: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type OrderLineInput = Static<typeof OrderLineInput>;

export const OrderLine = Type.Object({
  itemId: Type.Union([Id, Type.Null()]),
  name: Name,
  quantity: Type.Integer({ minimum: 1 }),
  unit: Type.String(),
  priceYen: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  photoUrl: Type.Union([Type.String(), Type.Null()]),
});
export type OrderLine = Static<typeof OrderLine>;

export const DeliveryWellbeing = literals('well', 'concern');
export type DeliveryWellbeing = Static<typeof DeliveryWellbeing>;

export const Order = Type.Object({
  id: Id,
  shopId: Id,
  shopName: Type.String(),
  householdId: Id,
  householdName: Type.String(),
  /** Where the shop delivers, and the number to call about it (the household's). */
  deliveryAddress: Type.String(),
  deliveryPhone: Type.Union([Type.String(), Type.Null()]),
  callId: Type.Union([Id, Type.Null()]),
  status: OrderStatus,
  lines: Type.Array(OrderLine),
  totalYen: Type.Union([Type.Integer(), Type.Null()]),
  note: Type.String(),
  createdBy: Type.Union([Id, Type.Null()]),
  createdAt: Type.String(),
  confirmedAt: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String(),
  wellbeing: Type.Union([DeliveryWellbeing, Type.Null()]),
  deliveryNote: Type.String(),
});
export type Order = Static<typeof Order>;
export const OrderList = Type.Object({ orders: Type.Array(Order) });

export const CreateOrderBody = Type.Object(
  {
    shopId: Id,
    householdId: Id,
    callId: Type.Optional(Id),
    lines: Type.Array(OrderLineInput, { minItems: 1, maxItems: 50 }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CreateOrderBody = Static<typeof CreateOrderBody>;

export const UpdateOrderLinesBody = Type.Object(
  {
    lines: Type.Array(OrderLineInput, { minItems: 1, maxItems: 50 }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type UpdateOrderLinesBody = Static<typeof UpdateOrderLinesBody>;

export const OrderStatusBody = Type.Object(
  { status: literals('preparing', 'out_for_delivery', 'cancelled') },
  { additionalProperties: false },
);
export type OrderStatusBody = Static<typeof OrderStatusBody>;

export const DeliverBody = Type.Object(
  { wellbeing: DeliveryWellbeing, note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export type DeliverBody = Static<typeof DeliverBody>;

export const OrdersQuery = Type.Object(
  {
    shopId: Type.Optional(Id),
    householdId: Type.Optional(Id),
    status: Type.Optional(OrderStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export type OrdersQuery = Static<typeof OrdersQuery>;

/** A message about an order for a terminal, persisted first and acknowledged by the terminal. */
export const OrderMessage = Type.Object({
  messageId: Id,
  kind: literals('confirm_request', 'status'),
  order: Order,
});
export type OrderMessage = Static<typeof OrderMessage>;

export const OrderRespondBody = Type.Object({ orderId: Id, accept: Type.Boolean() }, { additionalProperties: false });
export type OrderRespondBody = Static<typeof OrderRespondBody>;
export const OrderAckBody = Type.Object(
  { messageIds: Type.Array(Id, { minItems: 1, maxItems: 200 }) },
  { additionalProperties: false },
);
export type OrderAckBody = Static<typeof OrderAckBody>;
export const OrdersAcknowledged = Type.Object({ acknowledged: Type.Integer({ minimum: 0 }) });
