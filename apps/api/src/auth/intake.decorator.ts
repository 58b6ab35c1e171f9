import { applyDecorators, SetMetadata } from '@nestjs/common';

export const ACCEPTS_SOURCE_KEY = 'beckon:accepts-source-key';
export const ACCEPTS_SEGMENT_CREDENTIALS = 'beckon:accepts-segment-credentials';

/**
 * The event intake: the only routes a `source` (write) key may call. Every other route refuses it,
 * so a key that sits in a shop's web page can send events and nothing else.
 */
export const EventIntake = (): MethodDecorator & ClassDecorator => SetMetadata(ACCEPTS_SOURCE_KEY, true);

/**
 * The Segment-compatible paths: the key may also come as Segment sends it, HTTP Basic with the key
 * as user name, or a `writeKey` field in the body.
 */
export const SegmentIntake = (): MethodDecorator & ClassDecorator =>
  applyDecorators(EventIntake(), SetMetadata(ACCEPTS_SEGMENT_CREDENTIALS, true));
