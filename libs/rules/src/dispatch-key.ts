/**
 * One dispatch per rule, customer, occasion and step: replays, redeliveries and racing instances
 * all collapse onto this key under a unique constraint.
 */
export function dispatchKey(ruleId: string, customerId: string, occasion: string, step: number): string {
  return `${ruleId}|${customerId}|${occasion}|${step}`;
}

/** The same key built in SQL, for scans that schedule steps with INSERT ... SELECT. */
export function dispatchKeySql(ruleId: string, customerId: string, occasion: string, step: string): string {
  return `${ruleId} || '|' || ${customerId} || '|' || ${occasion} || '|' || ${step}`;
}
