import { ChannelReach, chooseChannel } from './choose-channel';

const ok: ChannelReach = { reachable: true, consented: true };
const noReach: ChannelReach = { reachable: false, consented: true };
const optedOut: ChannelReach = { reachable: true, consented: false };

describe('chooseChannel', () => {
  it('takes the first channel in preference order when several are receivable', () => {
    expect(chooseChannel(['email', 'webpush'], { email: ok, webpush: ok })).toEqual({ channel: 'email' });
    expect(chooseChannel(['webpush', 'email'], { email: ok, webpush: ok })).toEqual({ channel: 'webpush' });
  });

  it('falls through to webpush for an anonymous visitor who only has a push subscription', () => {
    expect(chooseChannel(['email', 'webpush'], { email: noReach, webpush: ok })).toEqual({ channel: 'webpush' });
  });

  it('falls through to webpush when the customer unsubscribed from email', () => {
    expect(chooseChannel(['email', 'webpush'], { email: optedOut, webpush: ok })).toEqual({ channel: 'webpush' });
  });

  it('never picks a channel the step does not list', () => {
    expect(chooseChannel(['email'], { email: noReach, webpush: ok })).toEqual({ channel: null, reason: 'no_address' });
  });

  it('says no_address when email is the only channel and there is no address', () => {
    expect(chooseChannel(['email'], { email: noReach, webpush: noReach })).toEqual({
      channel: null,
      reason: 'no_address',
    });
  });

  it('says no_subscription when push is the only channel and there is no subscription', () => {
    expect(chooseChannel(['webpush'], { email: ok, webpush: noReach })).toEqual({
      channel: null,
      reason: 'no_subscription',
    });
  });

  it('prefers the unreachable reason over consent: no address beats opted out', () => {
    expect(chooseChannel(['email'], { email: { reachable: false, consented: false }, webpush: ok })).toEqual({
      channel: null,
      reason: 'no_address',
    });
  });

  it('gives one plain reason when every channel failed for the same cause', () => {
    expect(chooseChannel(['email', 'webpush'], { email: optedOut, webpush: optedOut })).toEqual({
      channel: null,
      reason: 'unsubscribed',
    });
  });

  it('names each channel with its cause when they failed differently, in preference order', () => {
    expect(chooseChannel(['email', 'webpush'], { email: noReach, webpush: optedOut })).toEqual({
      channel: null,
      reason: 'email:no_address,webpush:unsubscribed',
    });
    expect(chooseChannel(['webpush', 'email'], { email: optedOut, webpush: noReach })).toEqual({
      channel: null,
      reason: 'webpush:no_subscription,email:unsubscribed',
    });
  });
});
