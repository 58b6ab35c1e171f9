import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import {
  BirthdayParams,
  birthdayOccasion,
  birthdayVerdict,
  birthdayYearOf,
  firstStepDelayMs,
  isTimeZone,
  currentBirthdayStep,
  Rule,
} from '@beckon/rules';
import { birthdayTemplateData } from '@beckon/template-context';
import { CapSettingsRepository } from '../capping/cap-settings.repository';
import { DispatchRepository, DueDispatch, PendingStep } from '../dispatch/dispatch.repository';
import { eventSchedules } from '../moments/horizon';
import { ProjectionFacts } from '../profiles/projection-facts';
import { RuleCache } from '../rules/rule-cache';
import { OccasionOutcome, OccasionResolver } from './occasion-resolver';

interface BirthdayProfile {
  id: string;
  birthday: string | null;
  timezone: string | null;
}

/**
 * Birthday: daysBefore days before the birthday, at sendAt in the customer's own time zone (trait or
 * context.timezone, else the shop's default zone, the one quiet hours use), once a year: the year is
 * the episode. The moment scanner schedules greetings a day or two ahead; an identify that sets or
 * changes a birthday close to its date schedules (or moves) it here, today's too when its hour passed
 * less than a day ago (the scan may have gone by first). The send time is checked again when due.
 */
function zoneOf(profile: BirthdayProfile, defaultZone: string): string {
  const zone = profile.timezone;
  return zone !== null && isTimeZone(zone) ? zone : defaultZone;
}

@Injectable()
export class BirthdayTrigger implements OccasionResolver {
  readonly trigger = 'birthday' as const;

  constructor(
    @Inject(BECKON_CONFIG) private readonly config: BeckonConfig,
    private readonly rules: RuleCache,
    private readonly dispatches: DispatchRepository,
    private readonly capSettings: CapSettingsRepository,
  ) {}

  async onFacts(tx: EntityManager, facts: ProjectionFacts, now = new Date()): Promise<void> {
    if (facts.birthdayChanges.length === 0) return;
    const rules = await this.rules.enabledFor(this.trigger, tx);
    if (rules.length === 0) return;
    const profiles = await this.profiles(tx, facts.birthdayChanges);
    const defaultZone = (await this.capSettings.load(tx)).defaultTimezone;
    const pending: PendingStep[] = [];
    for (const rule of rules) {
      for (const profile of profiles.values()) {
        if (profile.birthday === null) continue;
        const next = currentBirthdayStep(
          profile.birthday,
          rule.params as BirthdayParams,
          zoneOf(profile, defaultZone),
          firstStepDelayMs(rule),
          now,
        );
        if (!eventSchedules(this.trigger, next.dueAt, now, this.config.SCAN_INTERVAL_MS)) continue;
        pending.push({
          ruleId: rule.id,
          customerId: profile.id,
          occasion: birthdayOccasion(next.year),
          step: 0,
          dueAt: next.dueAt,
          correlationId: facts.correlations.get(profile.id) ?? null,
        });
      }
    }
    // A changed birthday or zone moves a greeting that is still waiting; one already sent stays sent.
    await this.dispatches.schedule(tx, pending, { reschedule: true });
  }

  async resolve(
    tx: EntityManager,
    due: readonly DueDispatch[],
    rules: ReadonlyMap<string, Rule>,
    now: Date,
  ): Promise<Map<string, OccasionOutcome>> {
    const profiles = await this.profiles(
      tx,
      due.map((d) => d.customerId),
    );
    const defaultZone = (await this.capSettings.load(tx)).defaultTimezone;
    const outcomes = new Map<string, OccasionOutcome>();
    for (const d of due) {
      const rule = rules.get(d.ruleId)!;
      const profile = profiles.get(d.customerId);
      const year = birthdayYearOf(d.occasion);
      if (profile?.birthday == null || year === null) {
        outcomes.set(d.id, { kind: 'end', reason: 'no_birthday' });
        continue;
      }
      // Later steps follow the greeting by their own delays; only the first is tied to the send time.
      const verdict =
        d.step > 0
          ? ({ kind: 'fire' } as const)
          : birthdayVerdict(
              profile.birthday,
              year,
              rule.params as BirthdayParams,
              zoneOf(profile, defaultZone),
              firstStepDelayMs(rule),
              now,
            );
      if (verdict.kind === 'fire') {
        outcomes.set(d.id, { kind: 'fire', context: { birthday: birthdayTemplateData(profile.birthday, year) } });
      } else if (verdict.kind === 'wait') {
        outcomes.set(d.id, { kind: 'wait', until: verdict.until, reason: 'birthday_moved' });
      } else {
        outcomes.set(d.id, { kind: 'end', reason: verdict.reason });
      }
    }
    return outcomes;
  }

  private async profiles(tx: EntityManager, customerIds: readonly string[]): Promise<Map<string, BirthdayProfile>> {
    const rows: BirthdayProfile[] = await tx.query(
      `SELECT id, to_char(birthday, 'YYYY-MM-DD') AS birthday, timezone FROM customers
       WHERE id = ANY($1::text[]) AND merged_into IS NULL`,
      [[...new Set(customerIds)]],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }
}
