import { verifyClickToken, verifyOpenToken } from '@beckon/consent';
import { MessageTracking, trackEmailHtml, trackPush } from './track-message';

const SECRET = 'test-secret';
const BASE = 'https://beckon.example/';
const message = (tracking = { clicks: true, opens: true }): MessageTracking => ({
  publicBaseUrl: BASE,
  secret: SECRET,
  dispatchId: '0b7e3c1e-64a4-4c6e-9a3f-2d1f5f0c9a11',
  tracking,
});

const hrefs = (html: string): string[] => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
const claimOf = (url: string) => verifyClickToken(url.replace('https://beckon.example/c/', ''), SECRET);

describe('trackEmailHtml', () => {
  const html =
    '<html><body><a href="https://shop.example/cart?id=1&amp;x=2">Cart</a>' +
    '<a href="https://beckon.example/u/unsub-token">Unsubscribe</a>' +
    '<a href="https://beckon.example/s/survey-token?score=9">9</a>' +
    '<a href="https://beckon.example/about">About</a><a href="mailto:help@shop.example">Help</a></body></html>';

  it('sends shop links through signed /c/ links for the dispatch, and adds the pixel', () => {
    const tracked = trackEmailHtml(html, message());
    const [cart, unsubscribe, survey, about, mail] = hrefs(tracked);
    expect(cart).toMatch(/^https:\/\/beckon\.example\/c\/[\w-]+\.[\w-]+$/);
    expect(claimOf(cart)).toEqual({ dispatchId: message().dispatchId, url: 'https://shop.example/cart?id=1&x=2' });
    expect(unsubscribe).toBe('https://beckon.example/u/unsub-token');
    expect(survey).toBe('https://beckon.example/s/survey-token?score=9');
    expect(claimOf(about)?.url).toBe('https://beckon.example/about');
    expect(mail).toBe('mailto:help@shop.example');
    const pixel = /<img src="https:\/\/beckon\.example\/o\/([^"]+)"[^>]*><\/body>/.exec(tracked);
    expect(pixel).not.toBeNull();
    expect(verifyOpenToken(pixel![1], SECRET)).toBe(message().dispatchId);
  });

  it('leaves links alone without click tracking, and adds no pixel without open tracking', () => {
    expect(trackEmailHtml(html, message({ clicks: false, opens: false }))).toBe(html);
    expect(trackEmailHtml(html, message({ clicks: false, opens: true }))).toContain('https://beckon.example/o/');
    expect(trackEmailHtml(html, message({ clicks: true, opens: false }))).not.toContain('/o/');
  });
});

describe('trackPush', () => {
  it('tracks the url and each action url, and keeps the rest', () => {
    const push = {
      title: 'Hi',
      body: 'b',
      url: 'https://shop.example/cart',
      actions: [{ url: 'https://shop.example/x' }, {}],
    };
    const tracked = trackPush(push, message());
    expect(claimOf(tracked.url!)?.url).toBe('https://shop.example/cart');
    expect(claimOf(tracked.actions[0].url!)?.url).toBe('https://shop.example/x');
    expect(tracked.actions[1]).toStrictEqual({});
    expect(tracked.title).toBe('Hi');
    expect(trackPush(push, message({ clicks: false, opens: true }))).toEqual(push);
    const bare: { title: string; body: string; url?: string } = { title: 'Hi', body: '' };
    expect(trackPush(bare, message())).toStrictEqual({ title: 'Hi', body: '' });
  });
});
