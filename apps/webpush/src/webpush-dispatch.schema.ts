import { z } from 'zod';
import { WebPushDispatchMessage } from '@beckon/contracts';
import { dispatchEnvelopeShape, parseDispatch, ParsedDispatch } from '@beckon/delivery';

const base64urlOfLength = (accept: (bytes: number) => boolean) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+=*$/, 'must be base64url')
    .refine((value) => accept(Buffer.from(value, 'base64url').length), 'has the wrong length');

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

export const pushSubscriptionSchema = z.object({
  endpoint: z.string().refine((value) => /^https:\/\//i.test(value) && URL.canParse(value), 'must be an https URL'),
  keys: z.object({
    p256dh: base64urlOfLength((bytes) => bytes === 65), // uncompressed P-256 point
    auth: base64urlOfLength((bytes) => bytes >= 16),
  }),
});

export const webPushDispatchSchema = z.object({
  ...dispatchEnvelopeShape,
  channel: z.literal('webpush'),
  subscriptions: z.array(pushSubscriptionSchema).min(1),
  notification: z.object({
    title: z.string(),
    body: z.string(),
    url: optionalText,
    icon: optionalText,
    image: optionalText,
    actions: z
      .array(z.object({ title: z.string(), url: z.string() }))
      .nullish()
      .transform((value) => value ?? undefined),
    tag: optionalText,
  }),
  ttlSeconds: z.number().int().nonnegative(),
  urgency: z.enum(['very-low', 'low', 'normal', 'high']),
  topic: z.string(),
});

export function parseWebPushDispatch(value: Buffer | null): ParsedDispatch<WebPushDispatchMessage> {
  return parseDispatch(value, webPushDispatchSchema);
}
