import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { MomentTriggers1764000000000 } from './1764000000000-moment-triggers';

/** Listed explicitly (not globbed) so the build output and the test runner load the same set. */
export const MIGRATIONS = [InitialSchema1763900000000, MomentTriggers1764000000000];
