import type { Settings } from '../../../../shared/src/settings';

/** What the checks that need workspace facts are told besides the facts. */
export interface ProblemOptions {
  /** The clock expiry dates are compared with. */
  now: number;
  /** Within how many days an expiry is reported as near. */
  expiryWarningDays: number;
  /** The hard-coded credential checks; none when absent. */
  hardcoded?: Settings['hardcodedCredentials'];
}
