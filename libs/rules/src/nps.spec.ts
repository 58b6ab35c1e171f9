import { countNpsAnswers, NO_NPS_ANSWERS, npsGroup, npsSummary } from './nps';

describe('npsGroup', () => {
  it('puts 0–6 in detractors, 7–8 in passives and 9–10 in promoters', () => {
    const groups = Array.from({ length: 11 }, (_, score) => npsGroup(score));
    expect(groups).toEqual([...Array<string>(7).fill('detractor'), 'passive', 'passive', 'promoter', 'promoter']);
  });

  it('refuses what is not an answer rather than guessing a group', () => {
    for (const score of [-1, 11, 8.5, Number.NaN]) expect(() => npsGroup(score)).toThrow(RangeError);
  });
});

describe('npsSummary', () => {
  it('scores % promoters − % detractors in points', () => {
    expect(npsSummary({ promoters: 6, passives: 2, detractors: 2 })).toEqual({
      promoters: 6,
      passives: 2,
      detractors: 2,
      answers: 10,
      score: 40,
    });
    expect(npsSummary({ promoters: 0, passives: 0, detractors: 3 }).score).toBe(-100);
    expect(npsSummary({ promoters: 4, passives: 0, detractors: 0 }).score).toBe(100);
    expect(npsSummary({ promoters: 0, passives: 5, detractors: 0 }).score).toBe(0);
    expect(npsSummary({ promoters: 2, passives: 1, detractors: 2 }).score).toBe(0);
  });

  it('rounds to whole points, halves away from zero on both sides', () => {
    // 1 of 3: 33.3 points; 2 of 3: 66.7.
    expect(npsSummary({ promoters: 1, passives: 2, detractors: 0 }).score).toBe(33);
    expect(npsSummary({ promoters: 2, passives: 1, detractors: 0 }).score).toBe(67);
    // 1 of 8 is 12.5 points either way.
    expect(npsSummary({ promoters: 1, passives: 7, detractors: 0 }).score).toBe(13);
    expect(npsSummary({ promoters: 0, passives: 7, detractors: 1 }).score).toBe(-13);
    expect(npsSummary({ promoters: 3, passives: 3, detractors: 2 }).score).toBe(13);
    expect(npsSummary({ promoters: 2, passives: 3, detractors: 3 }).score).toBe(-13);
  });

  it('has no score without answers', () => {
    expect(npsSummary(NO_NPS_ANSWERS)).toEqual({ promoters: 0, passives: 0, detractors: 0, answers: 0, score: null });
  });
});

describe('countNpsAnswers', () => {
  it('adds answers of one score to its group', () => {
    const counts = { ...NO_NPS_ANSWERS };
    countNpsAnswers(counts, 10, 4);
    countNpsAnswers(counts, 9, 2);
    countNpsAnswers(counts, 8);
    countNpsAnswers(counts, 7);
    countNpsAnswers(counts, 0, 2);
    expect(npsSummary(counts)).toEqual({ promoters: 6, passives: 2, detractors: 2, answers: 10, score: 40 });
    expect(NO_NPS_ANSWERS).toEqual({ promoters: 0, passives: 0, detractors: 0 });
  });
});
