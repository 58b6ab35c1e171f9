import { ChannelReach, pickChannel } from './choose-channel';
import { fallbackReason } from './fallback-reason';

const HOUR = 3_600_000;
const ok: ChannelReach = { reachable: true, consented: true };
const emailCapped: ChannelReach = { ...ok, capped: 'capped:email:16h', capFreesInMs: 16 * HOUR - 1000 };

/** The fallback reason of the pick, or of a suppression: none is ever given for a step that did not go. */
const reasonFor = (preference: Array<'email' | 'webpush'>, reach: { email: ChannelReach; webpush: ChannelReach }) => {
  const pick = pickChannel(preference, reach);
  return { channel: pick.channel, fallback: pick.channel === null ? null : fallbackReason(pick.skipped) };
};

describe('the fallback reason', () => {
  it('is none when the step goes out on its first channel', () => {
    expect(reasonFor(['email', 'webpush'], { email: ok, webpush: ok })).toEqual({ channel: 'email', fallback: null });
    expect(reasonFor(['webpush', 'email'], { email: emailCapped, webpush: ok })).toEqual({
      channel: 'webpush',
      fallback: null,
    });
  });

  it('names a capped first channel with the time until the cap frees, rounded up', () => {
    expect(reasonFor(['email', 'webpush'], { email: emailCapped, webpush: ok })).toEqual({
      channel: 'webpush',
      fallback: 'fallback:capped:email:16h',
    });
    const nearlyFree: ChannelReach = { ...emailCapped, capFreesInMs: 44 * 60_000 + 5000 };
    expect(reasonFor(['email', 'webpush'], { email: nearlyFree, webpush: ok }).fallback).toBe(
      'fallback:capped:email:45m',
    );
    const weekCap: ChannelReach = { ...ok, capped: 'capped:email:7d', capFreesInMs: 2.5 * 24 * HOUR };
    expect(reasonFor(['email', 'webpush'], { email: weekCap, webpush: ok }).fallback).toBe('fallback:capped:email:3d');
  });

  it('names the cap without a duration when the caller does not know when it frees', () => {
    const capped: ChannelReach = { ...ok, capped: 'capped:email:16h' };
    expect(reasonFor(['email', 'webpush'], { email: capped, webpush: ok }).fallback).toBe('fallback:capped:email');
  });

  it('names a missing address, a lost subscription, a bounced address and an opt-out in the suppression words', () => {
    expect(reasonFor(['email', 'webpush'], { email: { ...ok, reachable: false }, webpush: ok }).fallback).toBe(
      'fallback:no_address:email',
    );
    expect(reasonFor(['webpush', 'email'], { email: ok, webpush: { ...ok, reachable: false } }).fallback).toBe(
      'fallback:no_subscription:webpush',
    );
    const bounced: ChannelReach = { ...ok, reachable: false, unreachableReason: 'undeliverable' };
    expect(reasonFor(['email', 'webpush'], { email: bounced, webpush: ok }).fallback).toBe(
      'fallback:undeliverable:email',
    );
    expect(reasonFor(['email', 'webpush'], { email: { ...ok, consented: false }, webpush: ok }).fallback).toBe(
      'fallback:unsubscribed:email',
    );
  });

  it('gives the first cause a channel has: no address beats opted out beats capped', () => {
    const everything: ChannelReach = { reachable: false, consented: false, capped: 'capped:email:16h' };
    expect(reasonFor(['email', 'webpush'], { email: everything, webpush: ok }).fallback).toBe(
      'fallback:no_address:email',
    );
    expect(reasonFor(['email', 'webpush'], { email: { ...emailCapped, consented: false }, webpush: ok }).fallback).toBe(
      'fallback:unsubscribed:email',
    );
  });

  it('joins one part per channel passed over, in the order of preference', () => {
    expect(
      fallbackReason([
        { channel: 'email', reason: 'no_address' },
        { channel: 'webpush', reason: 'capped:webpush:1d', capFreesInMs: 5 * HOUR },
      ]),
    ).toBe('fallback:no_address:email,fallback:capped:webpush:5h');
  });
});

describe('pickChannel', () => {
  it('lists what it passed over beside a suppression, with the same reason chooseChannel gives', () => {
    const noAddress: ChannelReach = { ...ok, reachable: false };
    const pushCapped: ChannelReach = { ...ok, capped: 'capped:webpush:1d', capFreesInMs: HOUR };
    expect(pickChannel(['email', 'webpush'], { email: noAddress, webpush: pushCapped })).toEqual({
      channel: null,
      reason: 'capped:webpush:1d',
      skipped: [
        { channel: 'email', reason: 'no_address' },
        { channel: 'webpush', reason: 'capped:webpush:1d', capFreesInMs: HOUR },
      ],
    });
  });
});
