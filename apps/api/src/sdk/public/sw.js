/*
 * Beckon's service-worker code. A service worker must come from the page's own origin, so the shop
 * hosts a one-line file (e.g. /beckon-sw.js):
 *
 *   importScripts('https://<beckon>/sdk/sw.js');
 *
 * It shows each Beckon push ({ title, body, url, icon, image, actions: [{ action, title, url }], tag,
 * dispatchId }) and on a click opens the message's (tracked) link, or the clicked action's own link.
 */
(function (scope) {
  'use strict';

  /** What showNotification gets; the links stay in `data`, where the click finds them. */
  function notificationOptions(payload) {
    const actions = Array.isArray(payload.actions) ? payload.actions.filter((action) => action && action.action) : [];
    const links = {};
    for (const action of actions) links[action.action] = action.url;
    const options = {
      body: typeof payload.body === 'string' ? payload.body : '',
      data: { url: payload.url, actions: links, dispatchId: payload.dispatchId },
      actions: actions.map((action) => ({ action: action.action, title: action.title })),
    };
    if (payload.icon) options.icon = payload.icon;
    if (payload.image) options.image = payload.image;
    if (payload.tag) {
      // A later notification with the same tag (the next reminder about one cart) replaces this one, and still rings.
      options.tag = payload.tag;
      options.renotify = true;
    }
    return options;
  }

  /** The link a click opens: the clicked action's own, else the message's. */
  function clickTarget(data, action) {
    if (!data) return undefined;
    if (action && data.actions && data.actions[action]) return data.actions[action];
    return data.url || undefined;
  }

  /** A Beckon payload, or null for a push that is not one (another handler of the shop's worker may own it). */
  function beckonPayload(data) {
    if (!data) return null;
    try {
      const payload = data.json();
      return payload && typeof payload.title === 'string' && typeof payload.dispatchId === 'string' ? payload : null;
    } catch {
      return null;
    }
  }

  /**
   * Opens the link in a new window. openWindow needs the activation a real click gives; where the
   * browser refuses it (a click handled after that activation lapsed), a tab of the shop that is
   * already open is sent there instead, so the click is not lost.
   */
  async function openLink(url) {
    try {
      return await scope.clients.openWindow(url);
    } catch (error) {
      const windows = await scope.clients.matchAll({ type: 'window' });
      if (windows.length === 0) throw error;
      return windows[0].navigate(url);
    }
  }

  async function handleClick(notification, action) {
    notification.close();
    const url = clickTarget(notification.data, action);
    return url ? openLink(url) : undefined;
  }

  if (typeof module === 'object' && module.exports) {
    module.exports = { notificationOptions, clickTarget };
    return;
  }

  scope.addEventListener('push', (event) => {
    const payload = beckonPayload(event.data);
    if (payload) event.waitUntil(scope.registration.showNotification(payload.title, notificationOptions(payload)));
  });

  scope.addEventListener('notificationclick', (event) => {
    if (!event.notification.data || !event.notification.data.dispatchId) return;
    event.waitUntil(handleClick(event.notification, event.action));
  });

  // For the shop's own tests and tools: what a click on a shown notification does.
  scope.beckonWorker = { handleClick, notificationOptions, clickTarget };
})(typeof self !== 'undefined' ? self : globalThis);
