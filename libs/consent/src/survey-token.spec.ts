import { createSurveyToken, surveyUrl, verifySurveyToken } from './survey-token';
import { createUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token';

const SECRET = 'test-secret';
const CLAIM = {
  dispatchId: '0b7e3c1e-64a4-4c6e-9a3f-2d1f5f0c9a11',
  customerId: 'anon:ü/+=?&#.',
  orderId: 'o:1',
  ruleId: '5d0f0a52-0000-4000-8000-000000000001',
};

describe('survey tokens', () => {
  it('round-trip the dispatch, customer, order and rule, URL-safe', () => {
    const token = createSurveyToken(CLAIM, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifySurveyToken(token, SECRET)).toEqual(CLAIM);
  });

  it('refuse a swapped body, an altered signature and another secret', () => {
    const token = createSurveyToken(CLAIM, SECRET);
    const [, signature] = token.split('.');
    const other = createSurveyToken({ ...CLAIM, dispatchId: 'someone-elses' }, SECRET).split('.')[0];
    expect(verifySurveyToken(`${other}.${signature}`, SECRET)).toBeNull();
    expect(verifySurveyToken(`${token}x`, SECRET)).toBeNull();
    expect(verifySurveyToken(createSurveyToken(CLAIM, 'other-secret'), SECRET)).toBeNull();
    expect(verifySurveyToken('preview', SECRET)).toBeNull();
  });

  it('never pass for an unsubscribe token, nor the other way round, under the same secret', () => {
    const unsubscribe = createUnsubscribeToken({ customerId: CLAIM.customerId, channel: 'all' }, SECRET);
    expect(verifySurveyToken(unsubscribe, SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(createSurveyToken(CLAIM, SECRET), SECRET)).toBeNull();
  });

  it('put the score in the query of a link under /s/', () => {
    expect(surveyUrl('https://shop.example/', 'abc.def', 7)).toBe('https://shop.example/s/abc.def?score=7');
  });
});
