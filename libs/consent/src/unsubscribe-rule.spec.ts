import { endsSequences, withdrawnBy } from './unsubscribe-rule';

describe('withdrawnBy', () => {
  it('withdraws the named channel only, or every channel for all', () => {
    expect(withdrawnBy('email')).toEqual({ email: true, webpush: false });
    expect(withdrawnBy('webpush')).toEqual({ email: false, webpush: true });
    expect(withdrawnBy('all')).toEqual({ email: true, webpush: true });
  });
});

describe('endsSequences', () => {
  it('ends the sequences of a customer who consents to no channel', () => {
    expect(endsSequences({ email: false, webpush: false })).toBe(true);
  });

  it.each([[{ email: true, webpush: false }], [{ email: false, webpush: true }], [{ email: true, webpush: true }]])(
    'lets them run while a channel is still welcome: %j',
    (consent) => {
      expect(endsSequences(consent)).toBe(false);
    },
  );
});
