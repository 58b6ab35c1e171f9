import { StorefrontEvent } from '@beckon/events';
import { eventLabel } from './event-label';

const track = (event: string) => ({ type: 'track', event, properties: {} }) as unknown as StorefrontEvent;

describe('eventLabel', () => {
  it('names known track events and identify, and folds unknown track names into other', () => {
    expect(eventLabel({ type: 'identify', traits: {} } as unknown as StorefrontEvent)).toBe('identify');
    expect(eventLabel(track('Order Completed'))).toBe('Order Completed');
    expect(eventLabel(track('Wishlist Shared'))).toBe('other');
    expect(eventLabel(track('constructor'))).toBe('other');
  });
});
