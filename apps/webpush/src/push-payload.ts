import { createHash } from 'node:crypto';
import { WebPushDispatchMessage } from '@beckon/contracts';

/**
 * Push services accept 4,096 bytes of encrypted body; aes128gcm adds 86 bytes of header, a padding
 * delimiter and a 16-byte tag, leaving 3,993 for the plaintext. Keep a margin.
 */
export const MAX_PUSH_PAYLOAD_BYTES = 3_900;

const ELLIPSIS = '…';

export class PayloadTooLargeError extends Error {}

type Notification = WebPushDispatchMessage['notification'];

/** A button as the service worker gets it: `action` names it in `notificationclick`, `url` is what it opens. */
export interface PushAction {
  action: string;
  title: string;
  url: string;
}

/** Dropped one by one, in this order, before any text is shortened: the words matter more than the decoration. */
const OPTIONAL_PARTS = ['actions', 'image', 'icon'] as const;

/**
 * The JSON the service worker receives: `{title, body, url, icon, image, actions, tag, dispatchId}`
 * (absent parts left out). When it would exceed `maxBytes` the actions, the image and the icon are
 * dropped in turn; if that is not enough the body is shortened (then the title) on a code-point
 * boundary and ends with "…". `url` and `tag` always stay: the click and the replacement depend on them.
 */
export function buildPushPayload(
  notification: Notification,
  dispatchId: string,
  maxBytes = MAX_PUSH_PAYLOAD_BYTES,
): string {
  const { url, tag } = notification;
  const actions: PushAction[] | undefined = notification.actions?.map((button, index) => ({
    action: `action-${index + 1}`,
    title: button.title,
    url: button.url,
  }));
  let extras: { icon?: string; image?: string; actions?: PushAction[] } = {
    icon: notification.icon,
    image: notification.image,
    actions: actions?.length ? actions : undefined,
  };
  const render = (title: string, body: string): string =>
    JSON.stringify({ title, body, url, ...extras, tag, dispatchId });
  const fits = (payload: string): boolean => Buffer.byteLength(payload, 'utf8') <= maxBytes;

  if (fits(render(notification.title, notification.body))) return render(notification.title, notification.body);
  for (const part of OPTIONAL_PARTS) {
    if (extras[part] === undefined) continue;
    extras = { ...extras, [part]: undefined };
    if (fits(render(notification.title, notification.body))) return render(notification.title, notification.body);
  }
  const body = longestFitting(notification.body, (text) => fits(render(notification.title, text)));
  if (body !== undefined) return render(notification.title, body);
  const title = longestFitting(notification.title, (text) => fits(render(text, '')));
  if (title !== undefined) return render(title, '');
  throw new PayloadTooLargeError(`push payload exceeds ${maxBytes} bytes even with an empty title and body`);
}

/** The longest "prefix…" of `text` that `fits`, '' if only the empty string does, undefined if not even that. */
export function longestFitting(text: string, fits: (candidate: string) => boolean): string | undefined {
  if (!fits('')) return undefined;
  const chars = Array.from(text); // code points: never split a surrogate pair
  const shortened = (length: number): string =>
    length === 0 ? '' : chars.slice(0, length).join('').trimEnd() + ELLIPSIS;
  let best = 0;
  let low = 1;
  let high = chars.length - 1; // the whole text did not fit, or we would not be here
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (fits(shortened(middle))) {
      best = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return shortened(best);
}

const TOPIC_SAFE = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The Topic header (RFC 8030 §5.4): at most 32 characters of the URL-safe base64 alphabet. Other
 * topics are hashed, so one sequence still maps to one stable topic. Empty: no Topic header.
 */
export function pushTopic(topic: string | undefined): string | undefined {
  if (!topic) return undefined;
  if (TOPIC_SAFE.test(topic)) return topic;
  return createHash('sha256').update(topic).digest('base64url').slice(0, 32);
}
