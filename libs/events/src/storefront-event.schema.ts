import { z } from 'zod';
import { isStorableInstant } from './storable-json';

/**
 * Bounds that match the columns the values land in (numeric(14,2) for money, integer for stock), so
 * that nothing this schema accepts can fail the batch transaction that stores it.
 */
export const MAX_AMOUNT = 999_999_999_999.99;
export const MAX_STOCK = 2_147_483_647;
/** More of one product than any cart holds; keeps price × quantity far from overflow. */
export const MAX_QUANTITY = 1_000_000;

/** Segment allows numeric ids; we keep them as strings so keys and joins stay uniform. */
const id = z.union([z.string().min(1).max(255), z.number().int().safe()]).transform(String);
/**
 * A JSON number, or a plain decimal written as a string ("9.90", as many shop platforms send it).
 * Nothing else: no arrays, booleans, blanks or exponents, which a coercing parser would turn into numbers.
 */
const DECIMAL_TEXT = /^-?\d{1,15}(\.\d{1,12})?$/;
const numeric = z.union([z.number(), z.string().regex(DECIMAL_TEXT).transform(Number)], {
  error: 'expected a number',
});
const money = numeric.pipe(z.number().min(0).max(MAX_AMOUNT));
const count = (max: number) => numeric.pipe(z.number().int().min(0).max(max));
const optionalText = z.string().max(2048).optional();
const instant = z.iso
  .datetime({ offset: true })
  .refine((text) => isStorableInstant(new Date(text)), 'must fall within the years 0001-9999 (UTC)');

export const productSchema = z.looseObject({
  product_id: id.optional(),
  sku: optionalText,
  name: optionalText,
  price: money.optional(),
  quantity: count(MAX_QUANTITY).default(1),
  url: optionalText,
  image_url: optionalText,
  replenishment_days: count(3650).pipe(z.number().positive()).optional(),
});
export type Product = z.output<typeof productSchema>;

const productRef = <T extends z.ZodRawShape>(shape: T) =>
  z
    .looseObject({ product_id: id.optional(), sku: optionalText, ...shape })
    .refine((p) => p.product_id !== undefined || p.sku !== undefined, {
      message: 'product_id or sku is required',
      path: ['product_id'],
    });

const cartLineShape = {
  name: optionalText,
  price: money.optional(),
  quantity: count(MAX_QUANTITY).default(1),
  url: optionalText,
  image_url: optionalText,
  cart_id: id.optional(),
};

export const trackSchemas = {
  'Product Viewed': productRef({
    name: optionalText,
    price: money.optional(),
    url: optionalText,
    image_url: optionalText,
    in_stock: z.boolean().optional(),
  }),
  'Product Added': productRef(cartLineShape),
  'Product Removed': productRef(cartLineShape),
  'Cart Viewed': z.looseObject({
    cart_id: id.optional(),
    products: z.array(productSchema).max(500),
  }),
  'Checkout Started': z.looseObject({
    cart_id: id.optional(),
    value: money.optional(),
    currency: z.string().max(8).optional(),
    products: z.array(productSchema).max(500).optional(),
  }),
  'Order Completed': z.looseObject({
    order_id: id,
    cart_id: id.optional(),
    total: money.optional(),
    revenue: money.optional(),
    currency: z.string().max(8).optional(),
    products: z.array(productSchema).max(500).default([]),
  }),
  'Back In Stock Requested': productRef({}),
  'Inventory Updated': productRef({ quantity: count(MAX_STOCK) }),
  'Push Subscription Created': z.looseObject({
    endpoint: z.url({ protocol: /^https$/ }),
    keys: z.object({
      p256dh: z.string().min(16).max(256),
      auth: z.string().min(8).max(64),
    }),
    // PushSubscription.expirationTime: advisory, so one we cannot read (or store) counts as none.
    expiration_time: z.union([z.number(), z.string().max(64), z.null()]).optional(),
  }),
  'Push Subscription Removed': z.looseObject({ endpoint: z.string().min(1) }),
  Unsubscribed: z.looseObject({
    channel: z.enum(['email', 'webpush', 'all']).default('all'),
  }),
  // Care moments (CONTRACT.md §8): what happened after the order, and how the customer felt about it.
  'Order Delivered': z.looseObject({ order_id: id }),
  'Order Refunded': z.looseObject({ order_id: id, reason: optionalText }),
  'Order Cancelled': z.looseObject({ order_id: id, reason: optionalText }),
  'Product Reviewed': productRef({
    rating: numeric.pipe(z.number().int().min(1).max(5)),
    review_body: z.string().max(10_000).optional(),
  }),
  'Complaint Filed': z.looseObject({ order_id: id.optional(), reason: optionalText }),
  'Survey Answered': z.looseObject({
    score: numeric.pipe(z.number().int().min(0).max(10)),
    order_id: id.optional(),
    /** The survey's dispatch: one answer per dispatch, the last one wins. */
    dispatch_id: z.uuid().optional(),
  }),
} as const;

export type KnownTrackEvent = keyof typeof trackSchemas;
export type TrackProperties<E extends KnownTrackEvent> = z.output<(typeof trackSchemas)[E]>;

/** Events about the catalog rather than a customer: no userId is needed. */
export const CATALOG_EVENTS: ReadonlySet<string> = new Set(['Inventory Updated']);

const contextSchema = z
  .looseObject({
    timezone: z.string().max(64).optional(),
    locale: z.string().max(35).optional(),
    ip: z.string().max(64).optional(),
    userAgent: z.string().max(1024).optional(),
  })
  .optional();

const envelope = {
  messageId: z.string().min(1).max(255),
  timestamp: instant,
  userId: id.optional().nullable(),
  anonymousId: id.optional().nullable(),
  context: contextSchema,
};

export const identifySchema = z.looseObject({
  type: z.literal('identify'),
  ...envelope,
  traits: z.looseObject({}).default({}),
});

export const trackEnvelopeSchema = z.looseObject({
  type: z.literal('track'),
  ...envelope,
  event: z.string().min(1).max(255),
  properties: z.looseObject({}).default({}),
});

/** A page view (Segment `page`): activity on the timeline, nothing else. */
export const pageSchema = z.looseObject({
  type: z.literal('page'),
  ...envelope,
  name: z.string().max(255).optional().nullable(),
  properties: z.looseObject({}).default({}),
});

/** Segment `alias`: the visitor known as `previousId` (their anonymousId) is `userId` from now on. */
export const aliasSchema = z.looseObject({
  type: z.literal('alias'),
  ...envelope,
  userId: id,
  previousId: id,
});

export const envelopeSchema = z.discriminatedUnion('type', [
  identifySchema,
  trackEnvelopeSchema,
  pageSchema,
  aliasSchema,
]);

/** Identify traits as we store them; camelCase twins are folded into snake_case. */
export const traitsSchema = z.object({
  email: z.email().max(320).optional(),
  first_name: z.string().max(255).optional(),
  last_name: z.string().max(255).optional(),
  birthday: z.iso
    .date()
    .refine((text) => !text.startsWith('0000'), 'the year must be 0001 or later')
    .optional(),
  timezone: z.string().max(64).optional(),
  locale: z.string().max(35).optional(),
  phone: z.string().max(64).optional(),
});
export type Traits = z.output<typeof traitsSchema>;
