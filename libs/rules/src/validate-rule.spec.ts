import { RuleInput } from './rule.schema';
import { applyRulePatch, FieldError, RuleValidation, validateRule } from './validate-rule';

/** The abandoned_cart example of CONTRACT.md §4, with the placeholder second step filled in. */
const contractExample = () => ({
  name: 'Cart reminder',
  trigger: 'abandoned_cart',
  enabled: true,
  params: { minCartValue: 0 },
  steps: [
    {
      after: 'PT1H',
      channels: ['email', 'webpush'],
      email: { subject: '{{ customer.first_name }}, your cart is waiting', html: '...', text: '...' },
      webpush: { title: 'Still thinking?', body: '{{ cart.items | size }} items in your cart', url: '{{ cart.url }}' },
    },
    {
      after: 'P1D',
      channels: ['email', 'webpush'],
      email: { subject: 'Last call, {{ customer.first_name }}', html: '<p>{{ cart.value }}</p>' },
      webpush: { title: 'Your cart expires soon' },
    },
  ],
  priority: 100,
});

const minimal = () => ({
  name: 'Cart reminder',
  trigger: 'abandoned_cart',
  steps: [{ after: 'PT1H', channels: ['email'], email: { subject: 'Hi', text: 'Your cart' } }],
});

function errorsOf(result: RuleValidation): FieldError[] {
  if (result.ok) throw new Error(`expected a validation failure, got ${JSON.stringify(result.rule)}`);
  return result.errors;
}

function ruleOf(result: RuleValidation): RuleInput {
  if (!result.ok) throw new Error(`expected a valid rule, got ${JSON.stringify(result.errors)}`);
  return result.rule;
}

const fields = (result: RuleValidation): string[] => errorsOf(result).map((e) => e.field);

describe('validateRule', () => {
  it('accepts the contract example and fills the defaults it leaves out', () => {
    const rule = ruleOf(validateRule(contractExample()));
    expect(rule).toMatchObject({
      name: 'Cart reminder',
      trigger: 'abandoned_cart',
      enabled: true,
      params: { minCartValue: 0 },
      priority: 100,
    });
    expect(rule.steps).toHaveLength(2);
    expect(rule.steps[0].webpush).toEqual({
      title: 'Still thinking?',
      body: '{{ cart.items | size }} items in your cart',
      url: '{{ cart.url }}',
    });
    // The second step's push has no body: it defaults to the empty string.
    expect(rule.steps[1].webpush).toEqual({ title: 'Your cart expires soon', body: '' });
  });

  it('refuses the literal contract text, whose second step holds only "..." placeholders', () => {
    const literal = contractExample();
    (literal.steps[1] as Record<string, unknown>).email = { '...': '...' };
    expect(fields(validateRule(literal))).toEqual(
      expect.arrayContaining(['steps.1.email.subject', 'steps.1.email....']),
    );
  });

  it('fills enabled, params and priority when omitted', () => {
    const rule = ruleOf(validateRule(minimal()));
    expect(rule.enabled).toBe(true);
    expect(rule.params).toEqual({ minCartValue: 0 });
    expect(rule.priority).toBe(100);
  });

  it('fills a missing minCartValue inside given params', () => {
    const rule = ruleOf(validateRule({ ...minimal(), params: {} }));
    expect(rule.params).toEqual({ minCartValue: 0 });
  });

  it('trims the name and refuses a blank one', () => {
    expect(ruleOf(validateRule({ ...minimal(), name: '  Cart  ' })).name).toBe('Cart');
    expect(fields(validateRule({ ...minimal(), name: '   ' }))).toEqual(['name']);
  });

  it.each(['P1M', 'P1Y', '1 hour', 'P53W', ''])('reports steps.0.after for the delay %j', (after) => {
    const input = minimal();
    input.steps[0].after = after;
    expect(fields(validateRule(input))).toEqual(['steps.0.after']);
  });

  it('accepts a delay of exactly one year of days', () => {
    const input = minimal();
    input.steps[0].after = 'P365D';
    expect(validateRule(input).ok).toBe(true);
  });

  it('reports the missing content under the channel that lacks it', () => {
    const input = {
      ...minimal(),
      steps: [{ after: 'PT1H', channels: ['email', 'webpush'], email: minimal().steps[0].email }],
    };
    const errors = errorsOf(validateRule(input));
    expect(errors).toEqual([{ field: 'steps.0.webpush', message: 'content for channel "webpush" is required' }]);
  });

  it('reports steps.0.email when email is listed but has no content', () => {
    const input = { ...minimal(), steps: [{ after: 'PT1H', channels: ['email'], webpush: { title: 'x' } }] };
    expect(new Set(fields(validateRule(input)))).toEqual(new Set(['steps.0.email']));
  });

  it('reports steps.0.email when the email has neither html nor text', () => {
    const input = { ...minimal(), steps: [{ after: 'PT1H', channels: ['email'], email: { subject: 'Hi' } }] };
    expect(errorsOf(validateRule(input))).toEqual([{ field: 'steps.0.email', message: 'email needs html or text' }]);
  });

  it('reports steps.0.channels when a channel repeats', () => {
    const input = minimal();
    input.steps[0].channels = ['email', 'email'];
    expect(fields(validateRule(input))).toEqual(['steps.0.channels']);
  });

  it('refuses an empty or unknown channel list', () => {
    const empty = minimal();
    empty.steps[0].channels = [];
    expect(fields(validateRule(empty))).toContain('steps.0.channels');
    const unknown = minimal();
    unknown.steps[0].channels = ['sms'];
    expect(fields(validateRule(unknown))).toContain('steps.0.channels.0');
  });

  it('reports broken Liquid in the subject at its field, with the Liquid message', () => {
    const input = minimal();
    input.steps[0].email.subject = '{{ customer.first_name ';
    const errors = errorsOf(validateRule(input));
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('steps.0.email.subject');
    expect(errors[0].message).toMatch(/^invalid Liquid template: .*not closed/);
  });

  it('reports broken Liquid in a push body of the second step', () => {
    const input = contractExample();
    input.steps[1].webpush = { title: 'ok', body: '{% if %}' } as (typeof input.steps)[1]['webpush'];
    expect(fields(validateRule(input))).toEqual(['steps.1.webpush.body']);
  });

  it('refuses an unknown filter, since templates are parsed with strict filters', () => {
    const input = minimal();
    input.steps[0].email.text = '{{ cart.value | nosuchfilter }}';
    expect(fields(validateRule(input))).toEqual(['steps.0.email.text']);
  });

  it('refuses an empty subject', () => {
    const input = minimal();
    input.steps[0].email.subject = '';
    expect(fields(validateRule(input))).toEqual(['steps.0.email.subject']);
  });

  it('rejects an unknown top-level property, naming it as the field', () => {
    const errors = errorsOf(validateRule({ ...minimal(), audience: 'vip' }));
    expect(errors).toEqual([{ field: 'audience', message: 'is not a known parameter' }]);
  });

  it('rejects an unknown property inside a step and inside params', () => {
    const input = minimal();
    (input.steps[0] as Record<string, unknown>).sms = { text: 'hi' };
    expect(fields(validateRule(input))).toEqual(['steps.0.sms']);
    expect(fields(validateRule({ ...minimal(), params: { minCartValue: 1, maxCartValue: 9 } }))).toEqual([
      'params.maxCartValue',
    ]);
  });

  it('refuses a negative minimum cart value at params.minCartValue', () => {
    expect(fields(validateRule({ ...minimal(), params: { minCartValue: -1 } }))).toEqual(['params.minCartValue']);
  });

  it('refuses more than ten steps and no steps', () => {
    const step = minimal().steps[0];
    expect(fields(validateRule({ ...minimal(), steps: Array.from({ length: 11 }, () => step) }))).toEqual(['steps']);
    expect(fields(validateRule({ ...minimal(), steps: [] }))).toEqual(['steps']);
  });

  it('refuses an unknown trigger at the trigger field', () => {
    expect(fields(validateRule({ ...minimal(), trigger: 'price_drop' }))).toEqual(['trigger']);
  });

  it('accepts every contract trigger with its params', () => {
    const result = validateRule({ ...minimal(), trigger: 'sleeping_customer', params: { inactiveDays: 30 } });
    expect(result).toMatchObject({ ok: true, rule: { trigger: 'sleeping_customer', params: { inactiveDays: 30 } } });
  });

  it('refuses a trigger whose required params are missing at params', () => {
    expect(fields(validateRule({ ...minimal(), trigger: 'sleeping_customer' }))).toEqual(['params']);
  });

  it('answers (root) for something that is not an object', () => {
    expect(fields(validateRule('rule'))).toEqual(['(root)']);
  });

  it('holds nobody back and attributes with the default windows unless told otherwise', () => {
    const rule = ruleOf(validateRule(minimal()));
    expect(rule.holdoutPercent).toBe(0);
    expect(rule.attributionWindows).toEqual({ email: 'P5D', webpush: 'PT24H' });
  });

  it('takes a holdout percentage up to 50 with two decimals and one window per channel', () => {
    const rule = ruleOf(validateRule({ ...minimal(), holdoutPercent: 12.5, attributionWindows: { webpush: 'PT6H' } }));
    expect(rule.holdoutPercent).toBe(12.5);
    expect(rule.attributionWindows).toEqual({ email: 'P5D', webpush: 'PT6H' });
    expect(ruleOf(validateRule({ ...minimal(), holdoutPercent: 50 })).holdoutPercent).toBe(50);
    expect(ruleOf(validateRule({ ...minimal(), holdoutPercent: 0.07 })).holdoutPercent).toBe(0.07);
  });

  it.each([
    [-1, 'must be at least 0'],
    [50.01, 'must be at most 50 (percent of customers held back)'],
    [10.005, 'must have at most two decimals'],
    ['10', 'must be a number (percent of customers held back)'],
  ])('refuses the holdout percentage %j at holdoutPercent', (holdoutPercent, message) => {
    expect(errorsOf(validateRule({ ...minimal(), holdoutPercent }))).toEqual([{ field: 'holdoutPercent', message }]);
  });

  it.each(['P1M', 'PT0S', 'P31D', '5 days'])('refuses the attribution window %j', (window) => {
    expect(fields(validateRule({ ...minimal(), attributionWindows: { email: window } }))).toEqual([
      'attributionWindows.email',
    ]);
  });

  it('refuses an attribution window for a channel that does not exist', () => {
    expect(fields(validateRule({ ...minimal(), attributionWindows: { sms: 'P1D' } }))).toEqual([
      'attributionWindows.sms',
    ]);
  });
});

describe('applyRulePatch', () => {
  const current = (): RuleInput => ruleOf(validateRule(contractExample()));

  it('disables a rule and keeps every other field', () => {
    const before = current();
    const after = ruleOf(applyRulePatch(before, { enabled: false }));
    expect(after).toEqual({ ...before, enabled: false });
  });

  it('replaces top-level fields wholesale', () => {
    const before = current();
    const after = ruleOf(applyRulePatch(before, { steps: [before.steps[1]], priority: 5 }));
    expect(after.steps).toEqual([before.steps[1]]);
    expect(after.priority).toBe(5);
    expect(after.name).toBe(before.name);
  });

  it('accepts a patch that repeats the current trigger', () => {
    expect(ruleOf(applyRulePatch(current(), { trigger: 'abandoned_cart', name: 'Renamed' })).name).toBe('Renamed');
  });

  it('refuses to change the trigger', () => {
    const errors = errorsOf(applyRulePatch(current(), { trigger: 'birthday', params: { sendAt: '09:00' } }));
    expect(errors).toEqual([{ field: 'trigger', message: expect.stringContaining('cannot change') }]);
  });

  it('reports the field a patch makes invalid', () => {
    const before = current();
    const steps = [{ ...before.steps[0], after: 'P1M' }];
    expect(fields(applyRulePatch(before, { steps }))).toEqual(['steps.0.after']);
    expect(fields(applyRulePatch(before, { priority: -1 }))).toEqual(['priority']);
    expect(fields(applyRulePatch(before, { color: 'red' }))).toEqual(['color']);
  });

  it('drops a quiet-hours override with "global"; without the field it stays, null means none', () => {
    const window = { start: '22:00', end: '07:00' };
    const overridden = ruleOf(applyRulePatch(current(), { quietHours: window }));
    expect(ruleOf(applyRulePatch(overridden, { name: 'Renamed' })).quietHours).toEqual(window);
    expect(ruleOf(applyRulePatch(overridden, { quietHours: null })).quietHours).toBeNull();
    expect(ruleOf(applyRulePatch(overridden, { quietHours: 'global' })).quietHours).toBeUndefined();
    expect(ruleOf(validateRule({ ...minimal(), quietHours: 'global' })).quietHours).toBeUndefined();
  });

  it('refuses another word for quietHours, naming the choices', () => {
    expect(errorsOf(applyRulePatch(current(), { quietHours: 'default' }))).toEqual([
      { field: 'quietHours', message: expect.stringContaining('null (no quiet hours) or "global"') },
    ]);
  });

  it.each([null, 'enabled=false', [{ enabled: false }], 3])('refuses the non-object patch %j', (patch) => {
    expect(errorsOf(applyRulePatch(current(), patch))).toEqual([
      { field: '(root)', message: 'a JSON object is required' },
    ]);
  });

  it('does not modify the current rule', () => {
    const before = current();
    const snapshot = structuredClone(before);
    applyRulePatch(before, { enabled: false, name: 'Other' });
    expect(before).toEqual(snapshot);
  });
});
