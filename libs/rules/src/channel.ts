/** The channels a step can go out on, in the order a marketer would name them. */
export const CHANNELS = ['email', 'webpush'] as const;
export type Channel = (typeof CHANNELS)[number];
