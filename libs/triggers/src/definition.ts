import { z } from 'zod';
import { EntityManager } from 'typeorm';
import { Rule, RuleParams, Trigger } from '@beckon/rules';
import { Recipient } from '@beckon/template-context';
import { ProjectionFacts } from './facts';
import { TriggerPorts } from './ports';
import { MomentScan } from './scan';
import { DueDispatch, OccasionOutcome } from './sequences';

/** A stored rule of one trigger, with its params typed. */
export type RuleOf<T extends Trigger> = Rule & { trigger: T; params: RuleParams<T> };

/** A batch's facts, handed to each trigger inside the batch's transaction. */
export interface FactsRun<T extends Trigger> {
  tx: EntityManager;
  now: Date;
  /** The trigger's enabled rules. */
  rules: ReadonlyArray<RuleOf<T>>;
  ports: TriggerPorts;
}

/** Due steps of one trigger's rules, claimed by the firing loop. */
export interface ResolveRun<T extends Trigger> {
  tx: EntityManager;
  now: Date;
  /** Every rule the claimed steps belong to, by id. */
  rules: ReadonlyMap<string, RuleOf<T>>;
  ports: TriggerPorts;
}

export interface PreviewOptions {
  /** The product a back-in-stock or reorder preview is about; else the customer's latest one. */
  productId?: string;
  /** The customer's zone when they have none (birthday). */
  defaultTimezone: string;
  now: Date;
  /** PUBLIC_BASE_URL, for links a preview shows as dummies (a survey's), never working ones. */
  publicBaseUrl?: string;
}

/**
 * Everything that is one trigger's, in one value. The list in definitions.ts feeds the engine's
 * facts handler, moment scanner and firing loop, the API's preview and the OpenAPI document; it is
 * typed by trigger name, so a trigger without a definition, or a definition without a required
 * part, does not compile.
 */
export interface TriggerDefinition<T extends Trigger = Trigger> {
  readonly trigger: T;
  /** What the trigger does, one paragraph: the OpenAPI document and docs/rules.md show it. */
  readonly description: string;
  /** The trigger's `params`, validated when a rule is written (libs/rules holds the schema). */
  readonly params: z.ZodType<RuleParams<T>, unknown>;
  /** A rule of this trigger as a marketer would write it: the example /docs shows. */
  readonly example: { summary: string; value: Record<string, unknown> & { trigger: T } };
  /** Reacts to what an ingestion batch changed: schedules first steps, ends sequences. */
  onFacts?(run: FactsRun<T>, facts: ProjectionFacts): Promise<void>;
  /** Says, for each due step, whether its moment still holds and with what template data. */
  resolve(run: ResolveRun<T>, due: readonly DueDispatch[]): Promise<Map<string, OccasionOutcome>>;
  /** The care window does not hold this trigger's steps back (CONTRACT §8: post_purchase is care itself). */
  readonly careExempt?: true;
  /** Time-based triggers: the moments the scanner walks. */
  readonly scan?: MomentScan;
  /** The template data a step would see for this customer now, as `resolve` builds it. */
  preview(
    db: EntityManager,
    rule: RuleOf<T>,
    recipient: Recipient,
    options: PreviewOptions,
  ): Promise<Record<string, unknown>>;
}

/** Checks a definition against its trigger's params schema at compile time. */
export function defineTrigger<T extends Trigger>(definition: TriggerDefinition<T>): TriggerDefinition<T> {
  return definition;
}
