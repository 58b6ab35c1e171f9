import { z } from 'zod';
import { isValidTimezone } from '@beckon/config';
import {
  CATALOG_EVENTS,
  envelopeSchema,
  KnownTrackEvent,
  trackSchemas,
  Traits,
  traitsSchema,
} from './storefront-event.schema';
import { isMarkedUntrusted } from './event-trust';
import { storableJson } from './storable-json';

export const MAX_EVENT_BYTES = 1024 * 1024;

interface EventBase {
  messageId: string;
  timestamp: Date;
  userId: string | null;
  anonymousId: string | null;
  timezone: string | null;
  locale: string | null;
  /** Sent with a write key (see event-trust.ts): may not change a known customer's contact traits. */
  untrusted?: true;
}

export interface IdentifyEvent extends EventBase {
  type: 'identify';
  traits: Traits;
  /** Traits we do not model, kept so nothing the shop sends is lost. */
  extraTraits: Record<string, unknown>;
}

export interface TrackEvent<E extends string = string> extends EventBase {
  type: 'track';
  event: E;
  properties: E extends KnownTrackEvent ? z.output<(typeof trackSchemas)[E]> : Record<string, unknown>;
}

/** A page view: counts as activity (timeline, last seen) and nothing else. */
export interface PageEvent extends EventBase {
  type: 'page';
  name: string | null;
  properties: Record<string, unknown>;
}

/** The visitor known by the anonymousId `previousId` is `userId`: merged as an identify carrying both. */
export interface AliasEvent extends EventBase {
  type: 'alias';
  userId: string;
  previousId: string;
}

export type StorefrontEvent = IdentifyEvent | TrackEvent | PageEvent | AliasEvent;

/**
 * `text` is the JSON to store for an accepted event: the message itself, or its repaired form when a
 * lone surrogate had to be replaced (see storableJson).
 */
export type ParseResult = { ok: true; event: StorefrontEvent; text: string } | { ok: false; reason: string };

const CAMEL_TWINS: Record<string, keyof Traits> = {
  firstName: 'first_name',
  lastName: 'last_name',
  birthDate: 'birthday',
  timeZone: 'timezone',
};

function describe(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${[prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

function normaliseTraits(raw: Record<string, unknown>): {
  traits: Record<string, unknown>;
  extra: Record<string, unknown>;
} {
  const traits: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  const known = new Set(Object.keys(traitsSchema.shape));
  for (const [key, value] of Object.entries(raw)) {
    const name = CAMEL_TWINS[key] ?? key;
    if (known.has(name)) {
      if (traits[name] === undefined || key === name) traits[name] = value;
    } else {
      extra[key] = value;
    }
  }
  return { traits, extra };
}

/**
 * Turns one Kafka message value into a validated event, or a reason it was refused.
 * Pure and synchronous so it can run on every message of a batch cheaply and be unit tested.
 */
export function parseStorefrontEvent(value: Buffer | string | null | undefined): ParseResult {
  try {
    return parse(value);
  } catch (error) {
    // A validator bug must park one message on the dead-letter topic, not block its partition.
    return { ok: false, reason: `validation failed: ${(error as Error).message}` };
  }
}

function parse(value: Buffer | string | null | undefined): ParseResult {
  if (value === null || value === undefined || value.length === 0) return { ok: false, reason: 'empty message' };
  const size = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  if (size > MAX_EVENT_BYTES)
    return {
      ok: false,
      reason: `message is ${size} bytes, over the 1 MB limit`,
    };

  let text = typeof value === 'string' ? value : value.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const storable = storableJson(json);
  if (!storable.ok) return { ok: false, reason: storable.reason };
  if (storable.repaired) {
    json = storable.value;
    text = JSON.stringify(json);
  }
  const event = validate(json);
  return event.ok ? { ok: true, event: event.event, text } : event;
}

function validate(json: unknown): { ok: true; event: StorefrontEvent } | { ok: false; reason: string } {
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: describe(envelope.error) };
  const raw = envelope.data;

  const base: EventBase = {
    messageId: raw.messageId,
    timestamp: new Date(raw.timestamp),
    userId: raw.userId ?? null,
    anonymousId: raw.anonymousId ?? null,
    timezone: raw.context?.timezone ?? null,
    locale: raw.context?.locale ?? null,
    ...(isMarkedUntrusted(raw.context) ? { untrusted: true as const } : {}),
  };
  if (base.timezone !== null && !isValidTimezone(base.timezone)) {
    return {
      ok: false,
      reason: `context.timezone: unknown IANA time zone "${base.timezone}"`,
    };
  }

  if (raw.type === 'alias') {
    return { ok: true, event: { ...base, type: 'alias', userId: raw.userId, previousId: raw.previousId } };
  }
  if (raw.type === 'page') {
    if (base.userId === null && base.anonymousId === null)
      return { ok: false, reason: 'userId or anonymousId is required' };
    return { ok: true, event: { ...base, type: 'page', name: raw.name ?? null, properties: raw.properties } };
  }

  if (raw.type === 'identify') {
    if (base.userId === null && base.anonymousId === null)
      return { ok: false, reason: 'userId or anonymousId is required' };
    const { traits, extra } = normaliseTraits(raw.traits);
    const parsed = traitsSchema.safeParse(traits);
    if (!parsed.success) return { ok: false, reason: describe(parsed.error, 'traits') };
    if (parsed.data.timezone !== undefined && !isValidTimezone(parsed.data.timezone)) {
      return {
        ok: false,
        reason: `traits.timezone: unknown IANA time zone "${parsed.data.timezone}"`,
      };
    }
    return {
      ok: true,
      event: {
        ...base,
        type: 'identify',
        traits: parsed.data,
        extraTraits: extra,
      },
    };
  }

  if (base.userId === null && base.anonymousId === null && !CATALOG_EVENTS.has(raw.event)) {
    return { ok: false, reason: 'userId or anonymousId is required' };
  }
  // Own properties only: an event named like an Object.prototype member ("constructor") is custom.
  const schema = Object.hasOwn(trackSchemas, raw.event)
    ? (trackSchemas as Record<string, z.ZodType>)[raw.event]
    : undefined;
  if (schema === undefined) {
    return {
      ok: true,
      event: {
        ...base,
        type: 'track',
        event: raw.event,
        properties: raw.properties,
      },
    };
  }
  const properties = schema.safeParse(raw.properties);
  if (!properties.success)
    return {
      ok: false,
      reason: `${raw.event}: ${describe(properties.error, 'properties')}`,
    };
  return {
    ok: true,
    event: {
      ...base,
      type: 'track',
      event: raw.event,
      properties: properties.data,
    } as TrackEvent,
  };
}

export function isTrack<E extends KnownTrackEvent>(event: StorefrontEvent, name: E): event is TrackEvent<E> {
  return event.type === 'track' && event.event === name;
}
