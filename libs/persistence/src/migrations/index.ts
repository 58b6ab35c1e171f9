import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { FrequencyCaps1764100000000 } from './1764100000000-frequency-caps';
import { MomentTriggers1764200000000 } from './1764200000000-moment-triggers';
import { EmailUndeliverable1764300000000 } from './1764300000000-email-undeliverable';
import { Conversions1764410000000 } from './1764410000000-conversions';
import { FallbackReason1764520000000 } from './1764520000000-fallback-reason';
import { CareMoments1764600000000 } from './1764600000000-care-moments';
import { Engagement1764710000000 } from './1764710000000-engagement';

/** Listed explicitly (not globbed) so the build output and the test runner load the same set. */
export const MIGRATIONS = [
  InitialSchema1763900000000,
  FrequencyCaps1764100000000,
  MomentTriggers1764200000000,
  EmailUndeliverable1764300000000,
  Conversions1764410000000,
  FallbackReason1764520000000,
  CareMoments1764600000000,
  Engagement1764710000000,
];
