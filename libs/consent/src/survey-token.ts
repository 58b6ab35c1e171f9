import { createSignedToken, publicUrl, readSignedToken } from './signed-token';

/** What a survey link answers for: one post-purchase message about one order. */
export interface SurveyClaim {
  dispatchId: string;
  customerId: string;
  orderId: string;
  ruleId: string;
}

/** Signed with the unsubscribe secret under its own purpose: one secret for a message's links, never interchangeable. */
const PURPOSE = 'survey';

/** One token per dispatch, the same for every score: the score is the link's query (`?score=N`). */
export function createSurveyToken(claim: SurveyClaim, secret: string): string {
  return createSignedToken(
    { d: claim.dispatchId, c: claim.customerId, o: claim.orderId, r: claim.ruleId },
    secret,
    PURPOSE,
  );
}

export function verifySurveyToken(token: string, secret: string): SurveyClaim | null {
  const fields = readSignedToken(token, secret, PURPOSE);
  if (fields === null) return null;
  const { d, c, o, r } = fields;
  if (typeof d !== 'string' || typeof c !== 'string' || typeof o !== 'string' || typeof r !== 'string') return null;
  return { dispatchId: d, customerId: c, orderId: o, ruleId: r };
}

export function surveyUrl(publicBaseUrl: string, token: string, score: number): string {
  return publicUrl(publicBaseUrl, `s/${token}?score=${score}`);
}
