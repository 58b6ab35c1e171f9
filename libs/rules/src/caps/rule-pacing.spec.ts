import { applyRulePatch, validateRule } from '../validate-rule';

const rule = (over: Record<string, unknown> = {}) => ({
  name: 'Order shipped',
  trigger: 'abandoned_cart',
  steps: [{ after: 'PT1H', channels: ['email'], email: { subject: 'Hi', text: 'Your cart' } }],
  ...over,
});

function valid(input: unknown) {
  const result = validateRule(input);
  if (!result.ok) throw new Error(`expected a valid rule, got ${JSON.stringify(result.errors)}`);
  return result.rule;
}

function fieldsOf(input: unknown): string[] {
  const result = validateRule(input);
  if (result.ok) throw new Error('expected a validation failure');
  return result.errors.map((error) => error.field);
}

describe('a rule’s caps and quiet hours', () => {
  it('is capped and keeps the global quiet hours unless it says otherwise', () => {
    const parsed = valid(rule());
    expect(parsed.caps).toEqual({ exempt: false });
    expect('quietHours' in parsed).toBe(false);
  });

  it('may opt out of caps, and override or switch off quiet hours', () => {
    expect(valid(rule({ caps: { exempt: true } })).caps).toEqual({ exempt: true });
    expect(valid(rule({ quietHours: null })).quietHours).toBeNull();
    expect(valid(rule({ quietHours: { start: '22:00', end: '07:30' } })).quietHours).toEqual({
      start: '22:00',
      end: '07:30',
    });
  });

  it('refuses malformed caps and quiet hours, field by field', () => {
    expect(fieldsOf(rule({ caps: { exempt: 'yes' } }))).toEqual(['caps.exempt']);
    expect(fieldsOf(rule({ caps: { transactional: true } }))).toEqual(['caps.exempt', 'caps.transactional']);
    expect(fieldsOf(rule({ quietHours: { start: '9:00', end: '24:00' } })).sort()).toEqual([
      'quietHours.end',
      'quietHours.start',
    ]);
    expect(fieldsOf(rule({ quietHours: { start: '08:00', end: '08:00' } }))).toEqual(['quietHours.end']);
  });

  it('keeps both through a PATCH of other fields and replaces them when patched', () => {
    const stored = valid(rule({ caps: { exempt: true }, quietHours: null }));
    const renamed = applyRulePatch(stored, { name: 'Renamed' });
    expect(renamed.ok && renamed.rule).toMatchObject({ caps: { exempt: true }, quietHours: null });
    const capped = applyRulePatch(stored, { caps: { exempt: false } });
    expect(capped.ok && capped.rule.caps).toEqual({ exempt: false });
  });
});
