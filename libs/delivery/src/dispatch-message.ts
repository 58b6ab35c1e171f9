import { z } from 'zod';

/** Fields every dispatch message carries (DispatchEnvelope in @beckon/contracts). */
export const dispatchEnvelopeShape = {
  // Lower-cased so ids read back from PostgreSQL (uuid::text) compare equal.
  dispatchId: z.guid().transform((id) => id.toLowerCase()),
  ruleId: z.string().min(1),
  customerId: z.string().min(1),
  step: z.number().int().nonnegative(),
  correlationId: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
};

export type ParsedDispatch<T> =
  | { ok: true; message: T }
  /** `dispatchId` is set when the message named a usable one, so its dispatch row can be closed. */
  | { ok: false; reason: 'malformed'; detail: string; dispatchId?: string };

const guid = z.guid();

/** Decodes one Kafka message value: JSON, then the channel's schema. Never throws. */
export function parseDispatch<T>(value: Buffer | null, schema: z.ZodType<T>): ParsedDispatch<T> {
  if (value === null || value.length === 0) return { ok: false, reason: 'malformed', detail: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'malformed', detail: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const detail = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`)
    .join('; ')
    .slice(0, 500);
  const candidate = (json as { dispatchId?: unknown } | null)?.dispatchId;
  const dispatchId = guid.safeParse(candidate).success ? (candidate as string).toLowerCase() : undefined;
  return { ok: false, reason: 'malformed', detail, dispatchId };
}
