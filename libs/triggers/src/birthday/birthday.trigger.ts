import { EntityManager } from 'typeorm';
import {
  birthdayOccasion,
  birthdayVerdict,
  birthdayYearOf,
  currentBirthdayStep,
  firstStepDelayMs,
  isTimeZone,
  nextBirthdayStep,
  paramsSchemas,
} from '@beckon/rules';
import { defineTrigger } from '../definition';
import { UNSUBSCRIBE_LINK } from '../example-parts';
import { eventSchedules } from '../scan';
import { OccasionOutcome, PendingStep } from '../sequences';
import { birthdayTemplateData } from './birthday-context';
import { birthdayScan } from './birthday.scan';

export const BIRTHDAY_EXAMPLE = {
  name: 'Birthday greeting',
  trigger: 'birthday' as const,
  params: { daysBefore: 0, sendAt: '10:00' },
  steps: [
    {
      after: 'PT0S',
      channels: ['email', 'webpush'],
      email: {
        subject: 'Happy birthday, {{ customer.first_name }}!',
        html: `<p>All the best for your birthday, {{ customer.first_name }}.</p>${UNSUBSCRIBE_LINK}`,
      },
      webpush: { title: 'Happy birthday, {{ customer.first_name }}!', body: 'A little gift is waiting for you' },
    },
  ],
  priority: 200,
};

interface BirthdayProfile {
  id: string;
  birthday: string | null;
  timezone: string | null;
}

function zoneOf(profile: BirthdayProfile, defaultZone: string): string {
  const zone = profile.timezone;
  return zone !== null && isTimeZone(zone) ? zone : defaultZone;
}

async function loadProfiles(tx: EntityManager, customerIds: readonly string[]): Promise<Map<string, BirthdayProfile>> {
  const rows: BirthdayProfile[] = await tx.query(
    `SELECT id, to_char(birthday, 'YYYY-MM-DD') AS birthday, timezone FROM customers
     WHERE id = ANY($1::text[]) AND merged_into IS NULL`,
    [[...new Set(customerIds)]],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Birthday: daysBefore days before the birthday, at sendAt in the customer's own time zone (trait or
 * context.timezone, else the shop's default zone, the one quiet hours use), once a year: the year is
 * the episode. The moment scanner schedules greetings a day or two ahead; an identify that sets or
 * changes a birthday close to its date schedules (or moves) it here, today's too when its hour passed
 * less than a day ago (the scan may have gone by first). The send time is checked again when due.
 */
export const birthday = defineTrigger({
  trigger: 'birthday',
  description:
    'daysBefore the birthday at sendAt in the customer’s time zone (else the shop’s default zone), once a year. Templates see `birthday` (`date`, `age`).',
  params: paramsSchemas.birthday,
  example: { summary: 'Greeting at 10:00 local time on the day', value: BIRTHDAY_EXAMPLE },
  scan: birthdayScan,

  async onFacts({ tx, now, rules, ports }, facts) {
    if (facts.birthdayChanges.length === 0 || rules.length === 0) return;
    const profiles = await loadProfiles(tx, facts.birthdayChanges);
    const defaultZone = await ports.defaultTimezone(tx);
    const pending: PendingStep[] = [];
    for (const rule of rules) {
      for (const profile of profiles.values()) {
        if (profile.birthday === null) continue;
        const next = currentBirthdayStep(
          profile.birthday,
          rule.params,
          zoneOf(profile, defaultZone),
          firstStepDelayMs(rule),
          now,
        );
        if (!eventSchedules(birthdayScan, next.dueAt, now, ports.scanIntervalMs)) continue;
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
    await ports.sequences.schedule(tx, pending, { reschedule: true });
  },

  async resolve({ tx, now, rules, ports }, due) {
    const profiles = await loadProfiles(
      tx,
      due.map((d) => d.customerId),
    );
    const defaultZone = await ports.defaultTimezone(tx);
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
              rule.params,
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
  },

  async preview(_db, rule, recipient, { defaultTimezone, now }) {
    if (recipient.birthday === null) return { birthday: null };
    const zone = recipient.timezone ?? defaultTimezone;
    const next = nextBirthdayStep(recipient.birthday, rule.params, zone, firstStepDelayMs(rule), now);
    return { birthday: birthdayTemplateData(recipient.birthday, next.year) };
  },
});
