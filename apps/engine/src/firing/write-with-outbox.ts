import { EntityManager } from 'typeorm';
import { DispatchRepository } from '../dispatch/dispatch.repository';
import { OutboxRepository } from '../outbox/outbox.repository';
import { StepDecisions } from './compose-steps';

/**
 * Stage 6, write with the outbox: the outcomes, the messages and the next steps in the batch's
 * transaction, so a message exists exactly when its decision does and nothing is sent twice.
 */
export async function writeWithOutbox(
  tx: EntityManager,
  dispatches: DispatchRepository,
  outbox: OutboxRepository,
  { outcomes, messages, next }: StepDecisions,
): Promise<void> {
  await dispatches.recordOutcomes(tx, outcomes);
  await outbox.add(tx, messages);
  await dispatches.schedule(tx, next, { reschedule: false });
}
