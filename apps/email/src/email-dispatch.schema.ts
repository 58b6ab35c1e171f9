import { z } from 'zod';
import { EmailDispatchMessage } from '@beckon/contracts';
import { dispatchEnvelopeShape, parseDispatch, ParsedDispatch } from '@beckon/delivery';

/** Goes verbatim into a header: an http(s) URL without whitespace, control characters or angle brackets. */
export function isHeaderSafeUrl(value: string): boolean {
  return /^https?:\/\/[^\s<>]+$/i.test(value) && !/\p{Cc}/u.test(value) && URL.canParse(value);
}

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

export const emailDispatchSchema = z
  .object({
    ...dispatchEnvelopeShape,
    channel: z.literal('email'),
    to: z
      .string()
      .trim()
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address'),
    subject: z.string(),
    html: optionalText,
    text: optionalText,
    unsubscribeUrl: optionalText.refine((url) => url === undefined || isHeaderSafeUrl(url), 'must be an http(s) URL'),
  })
  .refine((message) => message.html !== undefined || message.text !== undefined, {
    message: 'html or text is required',
    path: ['text'],
  });

export function parseEmailDispatch(value: Buffer | null): ParsedDispatch<EmailDispatchMessage> {
  return parseDispatch(value, emailDispatchSchema);
}
