export { createUnsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from './unsubscribe-token';
export type { UnsubscribeClaim, UnsubscribeScope } from './unsubscribe-token';
