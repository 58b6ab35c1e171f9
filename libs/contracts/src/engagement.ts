/** One open or click of a tracked message, as the API produces it and the engine writes it. */
export interface EngagementRecord {
  kind: 'open' | 'click';
  dispatchId: string;
  /** ISO 8601: when the request came in, not when it was written. */
  at: string;
}

const KINDS: ReadonlySet<string> = new Set(['open', 'click']);

/** The record in a Kafka message, or null for one that is not (nothing else writes the topic, but be strict). */
export function parseEngagementRecord(value: Buffer | null): EngagementRecord | null {
  if (value === null) return null;
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { kind, dispatchId, at } = parsed as Record<string, unknown>;
    if (typeof kind !== 'string' || !KINDS.has(kind) || typeof dispatchId !== 'string' || typeof at !== 'string') {
      return null;
    }
    if (Number.isNaN(Date.parse(at))) return null;
    return { kind: kind as EngagementRecord['kind'], dispatchId, at };
  } catch {
    return null;
  }
}
