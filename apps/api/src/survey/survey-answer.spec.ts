import { parseScore, surveyAnsweredEvent } from './survey-answer';
import { prepareEvents } from '../events/event-intake';

const claim = { dispatchId: '0b7e3c1e-64a4-4c6e-9a3f-2d1f5f0c9a11', customerId: 'u-1', orderId: 'o-1', ruleId: 'r' };

describe('survey answers from links', () => {
  it('read only whole scores from 0 to 10', () => {
    expect(['0', '10', ' 7 ', 3].map(parseScore)).toEqual([0, 10, 7, 3]);
    expect(['11', '-1', '7.5', '', 'ten', '07', undefined, null, 2.5, ['5']].map(parseScore)).toEqual(
      Array(10).fill(null),
    );
  });

  it('become a valid Survey Answered event of the customer, keyed to their partition', () => {
    const event = surveyAnsweredEvent(claim, 9, new Date('2026-12-01T10:00:00Z'), 'm-1');
    const [outgoing] = prepareEvents(event);
    expect(outgoing.key).toBe('u-1');
    expect(JSON.parse(outgoing.value)).toMatchObject({
      userId: 'u-1',
      event: 'Survey Answered',
      properties: { score: 9, order_id: 'o-1', dispatch_id: claim.dispatchId },
    });
  });

  it('answer for an anonymous customer under their anonymousId', () => {
    const event = surveyAnsweredEvent({ ...claim, customerId: 'anon:v-9' }, 0, new Date(), 'm-2');
    expect(event).toMatchObject({ anonymousId: 'v-9' });
    expect(event).not.toHaveProperty('userId');
    expect(prepareEvents(event)[0].key).toBe('v-9');
  });
});
