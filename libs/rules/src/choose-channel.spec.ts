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

  it("names the channel's own unreachable reason when it gives one", () => {
    const bounced: ChannelReach = { reachable: false, unreachableReason: 'undeliverable', consented: true };
    expect(chooseChannel(['email'], { email: bounced, webpush: ok })).toEqual({
      channel: null,
      reason: 'undeliverable',
    });
    expect(chooseChannel(['email', 'webpush'], { email: bounced, webpush: noReach })).toEqual({
      channel: null,
      reason: 'email:undeliverable,webpush:no_subscription',
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

  it('skips a channel whose cap is reached and takes the next one within caps', () => {
    const capped: ChannelReach = { ...ok, capped: 'capped:email:16h' };
    expect(chooseChannel(['email', 'webpush'], { email: capped, webpush: ok })).toEqual({ channel: 'webpush' });
    expect(chooseChannel(['email', 'webpush'], { email: { ...ok, capped: null }, webpush: ok })).toEqual({
      channel: 'email',
    });
  });

  it('names the cap when a cap held back the only channel that could have carried the message', () => {
    const emailCapped: ChannelReach = { ...ok, capped: 'capped:email:16h' };
    expect(chooseChannel(['email'], { email: emailCapped, webpush: ok })).toEqual({
      channel: null,
      reason: 'capped:email:16h',
    });
    expect(chooseChannel(['email', 'webpush'], { email: emailCapped, webpush: noReach })).toEqual({
      channel: null,
      reason: 'capped:email:16h',
    });
    expect(
      chooseChannel(['email', 'webpush'], { email: noReach, webpush: { ...ok, capped: 'capped:webpush:1d' } }),
    ).toEqual({ channel: null, reason: 'capped:webpush:1d' });
  });

  it('names the preferred channel’s cap when every channel is capped', () => {
    expect(
      chooseChannel(['webpush', 'email'], {
        email: { ...ok, capped: 'capped:any:7d' },
        webpush: { ...ok, capped: 'capped:webpush:1d' },
      }),
    ).toEqual({ channel: null, reason: 'capped:webpush:1d' });
  });

  it('never blames a cap on a channel the customer cannot receive anyway', () => {
    expect(chooseChannel(['email'], { email: { ...noReach, capped: 'capped:email:16h' }, webpush: ok })).toEqual({
      channel: null,
      reason: 'no_address',
    });
  });
});
