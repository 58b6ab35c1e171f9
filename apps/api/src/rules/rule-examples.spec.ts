import { TRIGGERS, validateRule } from '@beckon/rules';
import { RULE_EXAMPLES } from './rule.openapi';

describe('OpenAPI rule examples', () => {
  it('has a valid example for every trigger', () => {
    expect(Object.keys(RULE_EXAMPLES).sort()).toEqual([...TRIGGERS].sort());
    for (const [trigger, { value }] of Object.entries(RULE_EXAMPLES)) {
      expect({ trigger, validation: validateRule(value) }).toMatchObject({ trigger, validation: { ok: true } });
      expect(value.trigger).toBe(trigger);
    }
  });
});
