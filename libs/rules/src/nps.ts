/**
 * Net Promoter Score (CONTRACT.md §8): an answer 0–10 to "how likely are you to recommend us" puts
 * the customer in one of three groups, and a set of answers scores % promoters − % detractors.
 * Pure, so the stats, the `when` steps and the care window all classify an answer the same way.
 */

export const NPS_GROUPS = ['promoter', 'passive', 'detractor'] as const;
export type NpsGroup = (typeof NPS_GROUPS)[number];

export const MIN_NPS_ANSWER = 0;
export const MAX_NPS_ANSWER = 10;

/** Promoter 9–10, passive 7–8, detractor 0–6. Anything but an integer 0–10 is a caller's bug, not a group. */
export function npsGroup(score: number): NpsGroup {
  if (!Number.isInteger(score) || score < MIN_NPS_ANSWER || score > MAX_NPS_ANSWER) {
    throw new RangeError(`an NPS answer is an integer from 0 to 10, not ${score}`);
  }
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsSummary extends NpsCounts {
  answers: number;
  /**
   * round(100 × (promoters − detractors) / answers), from −100 to 100, halves away from zero so a
   * score and its mirror image differ only in sign (12.5 → 13, −12.5 → −13); null without answers:
   * no answer is no score, not a neutral 0.
   */
  score: number | null;
}

export const NO_NPS_ANSWERS: NpsCounts = Object.freeze({ promoters: 0, passives: 0, detractors: 0 });

export function npsSummary(counts: NpsCounts): NpsSummary {
  const { promoters, passives, detractors } = counts;
  const answers = promoters + passives + detractors;
  if (answers === 0) return { promoters, passives, detractors, answers, score: null };
  // The quotient of two integers is the correctly rounded double, so an exact half stays exact.
  const points = (100 * Math.abs(promoters - detractors)) / answers;
  const score = Math.sign(promoters - detractors) * Math.round(points);
  return { promoters, passives, detractors, answers, score: score === 0 ? 0 : score };
}

/** Adds `count` answers of `score` (0–10) to the counts, in place. */
export function countNpsAnswers(counts: NpsCounts, score: number, count = 1): NpsCounts {
  const group = npsGroup(score);
  if (group === 'promoter') counts.promoters += count;
  else if (group === 'passive') counts.passives += count;
  else counts.detractors += count;
  return counts;
}
