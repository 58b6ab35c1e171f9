export { createUnsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken } from './unsubscribe-token';
export type { UnsubscribeClaim, UnsubscribeScope } from './unsubscribe-token';
export { endsSequences, withdrawnBy } from './unsubscribe-rule';
export type { Consent, ConsentChannel, Unsubscribe } from './unsubscribe-rule';
export { applyUnsubscribes } from './apply-unsubscribes';
export { createSurveyToken, surveyUrl, verifySurveyToken } from './survey-token';
export type { SurveyClaim } from './survey-token';
export {
  clickUrl,
  createClickToken,
  createOpenToken,
  isTrackableUrl,
  openPixelUrl,
  verifyClickToken,
  verifyOpenToken,
} from './engagement-token';
export type { ClickClaim } from './engagement-token';
