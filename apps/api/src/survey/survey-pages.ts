import { shopperPage } from '../common/shopper-page';
import { SURVEY_SCORES } from '@beckon/rules';

export function thankYouPage(): string {
  return shopperPage(
    'Thank you!',
    '<p>Your answer was recorded. You can change it from the same message at any time.</p>',
  );
}

/** A link with a score we cannot read still knows whose answer it is: offer the eleven buttons. */
export function chooseScorePage(): string {
  const buttons = SURVEY_SCORES.map(
    (score) => `<button type="submit" name="score" value="${score}">${score}</button>`,
  ).join(' ');
  return shopperPage(
    'How likely are you to recommend us?',
    `<p>0 is not at all likely, 10 is extremely likely.</p><form method="post">${buttons}</form>`,
  );
}

export function unknownSurveyPage(): string {
  return shopperPage(
    'This link is not valid',
    '<p>The survey link is incomplete or was changed. Please use the link from the message you received.</p>',
  );
}
