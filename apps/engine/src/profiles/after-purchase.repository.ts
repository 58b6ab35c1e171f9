import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isTrack, StorefrontEvent } from '@beckon/events';

export interface OwnedEvent {
  event: StorefrontEvent;
  customerId: string | null;
}

export interface DeliveryRecord {
  orderId: string;
  customerId: string;
  deliveredAt: Date;
}

export interface AnswerRecord {
  messageId: string;
  dispatchId: string | null;
  customerId: string;
  orderId: string | null;
  score: number;
  answeredAt: Date;
}

/** Each order's first reported delivery in the batch: a second report does not move the moment. */
export function deliveriesIn(events: readonly OwnedEvent[]): DeliveryRecord[] {
  const first = new Map<string, DeliveryRecord>();
  for (const { event, customerId } of events) {
    if (!isTrack(event, 'Order Delivered') || customerId === null) continue;
    const orderId = event.properties.order_id;
    const known = first.get(orderId);
    if (known === undefined || event.timestamp < known.deliveredAt) {
      first.set(orderId, { orderId, customerId, deliveredAt: event.timestamp });
    }
  }
  return [...first.values()];
}

/**
 * The batch's survey answers, one per survey message (the latest; of two at the same instant the
 * later in the batch): a statement may not update the same row twice.
 */
export function answersIn(events: readonly OwnedEvent[]): AnswerRecord[] {
  const latest = new Map<string, AnswerRecord>();
  for (const { event, customerId } of events) {
    if (!isTrack(event, 'Survey Answered') || customerId === null) continue;
    const { score, order_id: orderId, dispatch_id: dispatchId } = event.properties;
    const key = dispatchId ?? `message:${event.messageId}`;
    const known = latest.get(key);
    if (known !== undefined && known.answeredAt > event.timestamp) continue;
    latest.set(key, {
      messageId: event.messageId,
      dispatchId: dispatchId ?? null,
      customerId,
      orderId: orderId ?? null,
      score,
      answeredAt: event.timestamp,
    });
  }
  return [...latest.values()];
}

/** What happened after an order: its delivery (orders.delivered_at) and the survey answers about it. */
@Injectable()
export class AfterPurchaseRepository {
  async project(tx: EntityManager, events: readonly OwnedEvent[]): Promise<void> {
    await this.recordDeliveries(tx, deliveriesIn(events));
    await this.recordAnswers(tx, answersIn(events));
  }

  /** Only the order's own customer reports its delivery; the earliest report stands. */
  private async recordDeliveries(tx: EntityManager, deliveries: readonly DeliveryRecord[]): Promise<void> {
    if (deliveries.length === 0) return;
    await tx.query(
      `UPDATE orders o SET delivered_at = LEAST(o.delivered_at, d.at)
       FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS d(order_id, customer_id, at)
       WHERE o.id = d.order_id AND o.customer_id = d.customer_id`,
      [
        deliveries.map((d) => d.orderId),
        deliveries.map((d) => d.customerId),
        deliveries.map((d) => d.deliveredAt.toISOString()),
      ],
    );
  }

  /**
   * One answer per survey message, the last one wins: keyed by the dispatch when it is the
   * customer's own (it then names the rule for NPS), else by the event, so an answer naming another
   * customer's message cannot overwrite theirs.
   */
  private async recordAnswers(tx: EntityManager, answers: readonly AnswerRecord[]): Promise<void> {
    if (answers.length === 0) return;
    await tx.query(
      `INSERT INTO survey_answers (answer_key, dispatch_id, rule_id, customer_id, order_id, score, answered_at)
       SELECT COALESCE(d.id::text, 'message:' || a.message_id), d.id, d.rule_id, a.customer_id, a.order_id, a.score, a.answered_at
       FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::smallint[], $6::timestamptz[])
         AS a(message_id, dispatch_id, customer_id, order_id, score, answered_at)
       LEFT JOIN dispatches d ON d.id = a.dispatch_id AND d.customer_id = a.customer_id
       ON CONFLICT (answer_key) DO UPDATE
         SET score = EXCLUDED.score, answered_at = EXCLUDED.answered_at, order_id = EXCLUDED.order_id, updated_at = now()
         WHERE EXCLUDED.answered_at > survey_answers.answered_at`,
      [
        answers.map((a) => a.messageId),
        answers.map((a) => a.dispatchId),
        answers.map((a) => a.customerId),
        answers.map((a) => a.orderId),
        answers.map((a) => a.score),
        answers.map((a) => a.answeredAt.toISOString()),
      ],
    );
  }
}
