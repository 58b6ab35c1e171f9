/** The unsubscribe link every marketing example ends with (CAN-SPAM and GDPR want one in each message). */
export const UNSUBSCRIBE_LINK = '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>';
