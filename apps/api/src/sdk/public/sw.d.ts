// Types of sw.js's pure parts for its unit test (the browser runs the .js as is; this file is not served).

export interface NotificationData {
  url?: string;
  actions?: Record<string, string>;
  dispatchId?: string;
}

export function notificationOptions(payload: Record<string, unknown>): {
  body: string;
  data: NotificationData;
  actions: Array<{ action: string; title: string }>;
  icon?: string;
  image?: string;
  tag?: string;
  renotify?: boolean;
};
export function clickTarget(data: NotificationData | null | undefined, action: string): string | undefined;
