import { InitialSchema1763900000000 } from './1763900000000-initial-schema';

/** Listed explicitly (not globbed) so the build output and the test runner load the same set. */
export const MIGRATIONS = [InitialSchema1763900000000];
