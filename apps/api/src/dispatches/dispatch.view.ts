/** A dispatch row as the API's raw queries select it (see DISPATCH_COLUMNS). */
export interface DispatchRow {
  id: string;
  rule_id: string;
  customer_id: string;
  channel: string | null;
  step: number;
  status: string;
  reason: string | null;
  fallback_reason: string | null;
  created_at: Date;
  updated_at: Date;
  due_at: Date | null;
  sent_at: Date | null;
  correlation_id: string | null;
  opened_at: Date | null;
  clicked_at: Date | null;
  clicks: number;
}

export interface DispatchView {
  id: string;
  ruleId: string;
  customerId: string;
  channel: string | null;
  /** 1-based, as marketers number the steps of a rule. */
  step: number;
  status: string;
  reason: string | null;
  /**
   * Why the step went out on a later channel than its first (`fallback:capped:email:16h`). Only
   * present when it did: absent rather than null, so a dispatch that used its first channel reads
   * as it always has.
   */
  fallbackReason?: string;
  createdAt: Date;
  updatedAt: Date;
  dueAt: Date | null;
  sentAt: Date | null;
  /** The storefront event (messageId), API request or scan that started the sequence; also in the services' log lines. */
  correlationId: string | null;
  /**
   * First open and first click (CONTRACT §6), and how many clicks in all. Absent until they happen,
   * as fallbackReason is, so a message nobody engaged with reads as it always has.
   */
  openedAt?: Date;
  clickedAt?: Date;
  clicks?: number;
}

/** Column list for raw dispatch queries; `alias` is the table alias used in the FROM clause. */
export function dispatchColumns(alias: string): string {
  return [
    'id',
    'rule_id',
    'customer_id',
    'channel',
    'step',
    'status',
    'reason',
    'fallback_reason',
    'created_at',
    'updated_at',
    'due_at',
    'sent_at',
    'correlation_id',
    'opened_at',
    'clicked_at',
    'clicks',
  ]
    .map((column) => `${alias}.${column}`)
    .join(', ');
}

export function toDispatchView(row: DispatchRow): DispatchView {
  return {
    id: row.id,
    ruleId: row.rule_id,
    customerId: row.customer_id,
    channel: row.channel,
    // The engine stores steps as indexes into rule.steps (0-based); the API speaks of "step 1".
    step: row.step + 1,
    status: row.status,
    reason: row.reason,
    ...(row.fallback_reason === null ? {} : { fallbackReason: row.fallback_reason }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    dueAt: row.due_at,
    sentAt: row.sent_at,
    correlationId: row.correlation_id,
    ...(row.opened_at === null ? {} : { openedAt: row.opened_at }),
    ...(row.clicked_at === null ? {} : { clickedAt: row.clicked_at, clicks: row.clicks }),
  };
}
