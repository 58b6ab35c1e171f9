/*
 * Beckon's browser kit: `beckon.init({ host, writeKey })`, then identify, track, page and web push.
 * No dependencies, for current browsers. Events go to `${host}/v1/batch` in Segment's wire format,
 * signed with the source (write) key, which may only send events and so is safe in a page.
 */
(function (root) {
  'use strict';

  const VERSION = '1.0.0';
  const STORAGE_PREFIX = 'beckon.';
  /** Events wait this long for company, so a page's first calls go in one request. */
  const FLUSH_DELAY_MS = 250;
  /** Segment's batch limit is 500 KB; a page never gets near it, but a long offline queue could. */
  const MAX_BATCH = 100;
  const RETRY_DELAYS_MS = [1000, 5000, 30000];

  /** RFC 4122 v4, from the browser's generator when it has one. */
  function uuid(random) {
    if (root.crypto && typeof root.crypto.randomUUID === 'function') return root.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    (random || ((array) => root.crypto.getRandomValues(array)))(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** The VAPID key as pushManager.subscribe wants it (`applicationServerKey`): bytes of base64url. */
  function base64UrlToBytes(text) {
    const base64 = text
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(text.length / 4) * 4, '=');
    const binary = atob(base64);
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  }

  /** Whether a subscription was made with this VAPID key (it must be renewed after a key change). */
  function madeWithKey(subscription, publicKey) {
    const current = subscription && subscription.options && subscription.options.applicationServerKey;
    if (!current) return false;
    const made = new Uint8Array(current);
    const wanted = base64UrlToBytes(publicKey);
    return made.length === wanted.length && made.every((byte, index) => byte === wanted[index]);
  }

  /** One Segment message: ids, times and context the server expects, with the caller's fields. */
  function segmentMessage(type, fields, identity, page, now) {
    const message = {
      type,
      messageId: identity.messageId,
      timestamp: now.toISOString(),
      anonymousId: identity.anonymousId,
      context: {
        library: { name: 'beckon.js', version: VERSION },
        page,
        userAgent: identity.userAgent,
        locale: identity.locale,
      },
      ...fields,
    };
    if (identity.userId) message.userId = identity.userId;
    return message;
  }

  /** The Push Subscription Created event's properties, from PushSubscription.toJSON(). */
  function subscriptionProperties(json) {
    return {
      endpoint: json.endpoint,
      keys: { p256dh: json.keys.p256dh, auth: json.keys.auth },
      expiration_time: json.expirationTime === undefined ? null : json.expirationTime,
    };
  }

  /** localStorage that may be missing or refuse (private mode, full quota): the kit then forgets on reload. */
  function storage() {
    const memory = new Map();
    const get = (key) => {
      try {
        return root.localStorage.getItem(STORAGE_PREFIX + key);
      } catch {
        return memory.has(key) ? memory.get(key) : null;
      }
    };
    const set = (key, value) => {
      memory.set(key, value);
      try {
        if (value === null) root.localStorage.removeItem(STORAGE_PREFIX + key);
        else root.localStorage.setItem(STORAGE_PREFIX + key, value);
      } catch {
        // kept in memory for this page
      }
    };
    return { get, set };
  }

  function createBeckon() {
    const store = storage();
    let settings = null;
    let queue = [];
    let timer = null;
    let sending = false;

    function anonymousId() {
      let id = store.get('anonymousId');
      if (!id) {
        id = uuid();
        store.set('anonymousId', id);
      }
      return id;
    }

    function pageContext() {
      const location = root.location;
      return {
        url: location.href,
        path: location.pathname,
        search: location.search,
        title: root.document ? root.document.title : undefined,
        referrer: root.document ? root.document.referrer : undefined,
      };
    }

    function enqueue(type, fields) {
      const identity = {
        messageId: uuid(),
        anonymousId: anonymousId(),
        userId: store.get('userId'),
        userAgent: root.navigator && root.navigator.userAgent,
        locale: root.navigator && root.navigator.language,
      };
      queue.push(segmentMessage(type, fields, identity, pageContext(), new Date()));
      schedule(FLUSH_DELAY_MS);
    }

    function schedule(delay) {
      if (timer !== null || settings === null) return;
      timer = setTimeout(() => {
        timer = null;
        flush();
      }, delay);
    }

    /** Sends what is queued; a network error or a 5xx puts it back and tries again later. */
    async function flush(attempt = 0, keepalive = false) {
      if (settings === null || sending || queue.length === 0) return;
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      sending = true;
      let retry = false;
      try {
        const response = await fetch(`${settings.host}/v1/batch`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ batch, writeKey: settings.writeKey, sentAt: new Date().toISOString() }),
          credentials: 'omit',
          keepalive,
        });
        // A 4xx is the batch's own fault (a bad key, a refused event): sending it again would not help.
        retry = response.status >= 500 || response.status === 429;
        if (!response.ok) console.warn(`beckon: /v1/batch answered ${response.status}`);
      } catch (error) {
        retry = true;
        console.warn('beckon: could not send events', error);
      } finally {
        sending = false;
      }
      if (retry && attempt < RETRY_DELAYS_MS.length) {
        queue = batch.concat(queue);
        setTimeout(() => flush(attempt + 1), RETRY_DELAYS_MS[attempt]);
        return;
      }
      if (queue.length > 0) schedule(0);
    }

    const beckon = {
      VERSION,
      /** `host`: Beckon's base URL; `writeKey`: a `source` key; `serviceWorker`: the shop's one-line worker file. */
      init(options) {
        if (!options || !options.host || !options.writeKey) throw new Error('beckon.init needs host and writeKey');
        settings = {
          host: String(options.host).replace(/\/+$/, ''),
          writeKey: options.writeKey,
          serviceWorker: options.serviceWorker || '/beckon-sw.js',
        };
        anonymousId();
        if (root.addEventListener) {
          // The last events of a page (an "add to cart" before a link) still leave with it.
          root.addEventListener('pagehide', () => flush(RETRY_DELAYS_MS.length, true));
        }
        schedule(0);
        // A visitor who subscribed before is re-subscribed if Beckon's VAPID key changed since.
        if (store.get('push.endpoint') && push.permission() === 'granted') push.subscribe().catch(() => undefined);
        return beckon;
      },
      identify(userId, traits) {
        if (userId !== undefined && userId !== null && userId !== '') store.set('userId', String(userId));
        enqueue('identify', { traits: traits || {} });
      },
      track(event, properties) {
        if (typeof event !== 'string' || event === '') throw new Error('beckon.track needs an event name');
        enqueue('track', { event, properties: properties || {} });
      },
      page(name, properties) {
        const fields = { properties: { ...pageContext(), ...(properties || {}) } };
        if (typeof name === 'string') fields.name = name;
        enqueue('page', fields);
      },
      /** Forgets the visitor (a sign-out): a new anonymousId from now on. */
      reset() {
        store.set('userId', null);
        store.set('anonymousId', null);
      },
      anonymousId,
      flush: () => flush(),
      push: null,
    };

    const push = {
      supported() {
        return (
          'serviceWorker' in (root.navigator || {}) && 'PushManager' in root && typeof root.Notification === 'function'
        );
      },
      permission() {
        return push.supported() ? root.Notification.permission : 'unsupported';
      },
      /**
       * Asks softly first: an in-page box with two buttons; the browser's own prompt only after the
       * visitor accepts. A refusal, of either, is remembered and never asked again (a refused browser
       * prompt cannot be shown again anyway, and Chrome quiets sites that keep asking).
       * Resolves to 'granted', 'declined', 'denied' or 'unsupported'.
       */
      async prompt(options) {
        if (!push.supported()) return 'unsupported';
        if (root.Notification.permission === 'granted') {
          await push.subscribe();
          return 'granted';
        }
        if (root.Notification.permission === 'denied') return 'denied';
        if (store.get('push.refused')) return 'declined';
        const accepted = await softPrompt(options || {});
        if (!accepted) {
          store.set('push.refused', 'soft');
          return 'declined';
        }
        const permission = await root.Notification.requestPermission();
        if (permission !== 'granted') {
          store.set('push.refused', permission);
          return permission === 'denied' ? 'denied' : 'declined';
        }
        await push.subscribe();
        return 'granted';
      },
      /** Subscribes with Beckon's VAPID key (renewing a subscription made with an older one) and tells Beckon. */
      async subscribe() {
        requireInit();
        const registration = await workerRegistration();
        const response = await fetch(`${settings.host}/v1/webpush/public-key`, { credentials: 'omit' });
        if (!response.ok) throw new Error(`beckon: /v1/webpush/public-key answered ${response.status}`);
        const { publicKey } = await response.json();
        let subscription = await registration.pushManager.getSubscription();
        if (subscription && !madeWithKey(subscription, publicKey)) {
          const stale = subscription.endpoint;
          await subscription.unsubscribe();
          beckon.track('Push Subscription Removed', { endpoint: stale, reason: 'vapid_key_changed' });
          subscription = null;
        }
        if (!subscription) {
          subscription = await registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: base64UrlToBytes(publicKey),
          });
        }
        const reported = `${subscription.endpoint} ${publicKey}`;
        if (store.get('push.endpoint') !== reported) {
          beckon.track('Push Subscription Created', subscriptionProperties(subscription.toJSON()));
          store.set('push.endpoint', reported);
        }
        return subscription;
      },
      async unsubscribe() {
        requireInit();
        const registration = await workerRegistration();
        const subscription = await registration.pushManager.getSubscription();
        store.set('push.endpoint', null);
        if (!subscription) return false;
        await subscription.unsubscribe();
        beckon.track('Push Subscription Removed', { endpoint: subscription.endpoint });
        return true;
      },
    };
    beckon.push = push;

    function requireInit() {
      if (settings === null) throw new Error('beckon.init({ host, writeKey }) first');
    }

    async function workerRegistration() {
      await root.navigator.serviceWorker.register(settings.serviceWorker);
      return root.navigator.serviceWorker.ready;
    }

    /** A small box at the bottom of the page; resolves true when the visitor accepts. */
    function softPrompt(options) {
      const document = root.document;
      const box = document.createElement('div');
      box.setAttribute('role', 'dialog');
      box.setAttribute('aria-live', 'polite');
      box.className = 'beckon-push-prompt';
      box.style.cssText =
        'position:fixed;left:50%;bottom:16px;transform:translateX(-50%);z-index:2147483647;max-width:360px;' +
        'padding:16px;background:#fff;color:#111;border-radius:8px;box-shadow:0 4px 24px rgba(0,0,0,.2);' +
        'font:14px/1.4 system-ui,sans-serif';
      const text = document.createElement('p');
      text.style.margin = '0 0 12px';
      text.textContent = options.text || 'Get a notification about your cart and back-in-stock products?';
      const buttons = document.createElement('div');
      buttons.style.cssText = 'display:flex;gap:8px;justify-content:flex-end';
      const button = (label, name) => {
        const element = document.createElement('button');
        element.type = 'button';
        element.textContent = label;
        element.dataset.beckon = name;
        element.style.cssText = 'padding:6px 12px;border-radius:4px;border:1px solid #888;cursor:pointer';
        buttons.append(element);
        return element;
      };
      const decline = button(options.decline || 'Not now', 'decline');
      const accept = button(options.accept || 'Allow', 'accept');
      box.append(text, buttons);
      document.body.append(box);
      return new Promise((resolve) => {
        const answer = (accepted) => () => {
          box.remove();
          resolve(accepted);
        };
        accept.addEventListener('click', answer(true));
        decline.addEventListener('click', answer(false));
      });
    }

    return beckon;
  }

  if (typeof module === 'object' && module.exports) {
    // Unit tests reach the pure parts; a page only ever gets the global.
    module.exports = { createBeckon, segmentMessage, madeWithKey, base64UrlToBytes, subscriptionProperties, uuid };
  } else if (!root.beckon) {
    root.beckon = createBeckon();
  }
})(typeof self !== 'undefined' ? self : globalThis);
