import {
  createClickToken,
  createOpenToken,
  isTrackableUrl,
  verifyClickToken,
  verifyOpenToken,
} from './engagement-token';
import { createSurveyToken, verifySurveyToken } from './survey-token';
import { createUnsubscribeToken } from './unsubscribe-token';

const SECRET = 'test-secret';
const CLAIM = { dispatchId: '0b7e3c1e-64a4-4c6e-9a3f-2d1f5f0c9a11', url: 'https://shop.example/cart?id=1&x=ü#top' };

describe('click tokens', () => {
  it('round-trip the dispatch and the target, URL-safe', () => {
    const token = createClickToken(CLAIM, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyClickToken(token, SECRET)).toEqual(CLAIM);
  });

  it('refuse another target under the same signature, an altered signature and another secret', () => {
    const token = createClickToken(CLAIM, SECRET);
    const [, signature] = token.split('.');
    const elsewhere = createClickToken({ ...CLAIM, url: 'https://evil.example/' }, 'attacker').split('.')[0];
    expect(verifyClickToken(`${elsewhere}.${signature}`, SECRET)).toBeNull();
    expect(verifyClickToken(`${token}x`, SECRET)).toBeNull();
    expect(verifyClickToken(createClickToken(CLAIM, 'other-secret'), SECRET)).toBeNull();
    expect(verifyClickToken('nonsense', SECRET)).toBeNull();
  });

  it('never pass for an open, a survey or an unsubscribe token, nor the other way round', () => {
    const click = createClickToken(CLAIM, SECRET);
    const open = createOpenToken(CLAIM.dispatchId, SECRET);
    expect(verifyOpenToken(click, SECRET)).toBeNull();
    expect(verifyClickToken(open, SECRET)).toBeNull();
    expect(verifySurveyToken(click, SECRET)).toBeNull();
    expect(verifyClickToken(createUnsubscribeToken({ customerId: 'c', channel: 'all' }, SECRET), SECRET)).toBeNull();
    const survey = createSurveyToken({ dispatchId: 'd', customerId: 'c', orderId: 'o', ruleId: 'r' }, SECRET);
    expect(verifyClickToken(survey, SECRET)).toBeNull();
  });

  it('redirect only to web addresses, even when signed', () => {
    expect(isTrackableUrl('https://shop.example/x')).toBe(true);
    expect(isTrackableUrl('HTTP://shop.example')).toBe(true);
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'mailto:a@b.c', '/relative', '#top', 'https:///x']) {
      expect(isTrackableUrl(url)).toBe(false);
    }
    expect(verifyClickToken(createClickToken({ ...CLAIM, url: 'javascript:alert(1)' }, SECRET), SECRET)).toBeNull();
  });
});

describe('open tokens', () => {
  it('name the dispatch and refuse forgeries', () => {
    const token = createOpenToken(CLAIM.dispatchId, SECRET);
    expect(verifyOpenToken(token, SECRET)).toBe(CLAIM.dispatchId);
    expect(verifyOpenToken(createOpenToken(CLAIM.dispatchId, 'other'), SECRET)).toBeNull();
  });
});
