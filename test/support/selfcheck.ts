// Standalone check of the test peers against the real client libraries:
//   npx ts-node --transpile-only test/support/selfcheck.ts
// Exits non-zero on the first failed expectation.
import assert from 'node:assert/strict';
import https from 'node:https';
import nodemailer from 'nodemailer';
import webpush, { WebPushError } from 'web-push';
import { startPushEndpoint } from './push-endpoint';
import { startSmtpSink } from './smtp-sink';

async function checkSmtpSink(): Promise<void> {
  const sink = await startSmtpSink();
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
  try {
    assert.equal(sink.url, `smtp://127.0.0.1:${sink.port}`);
    await transport.sendMail({
      from: 'shop@example.com',
      to: 'alice@example.com',
      subject: 'Grüße',
      text: 'plain body',
      html: '<p>html body</p>',
      headers: {
        'List-Unsubscribe': '<https://example.com/u/1>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    const mail = await sink.waitFor((m) => m.envelope.to.includes('alice@example.com'));
    assert.deepEqual(mail.envelope, { from: 'shop@example.com', to: ['alice@example.com'] });
    assert.equal(mail.subject, 'Grüße');
    assert.equal(mail.text?.trim(), 'plain body');
    assert.equal(mail.html, '<p>html body</p>');
    assert.equal(mail.headers['list-unsubscribe'], '<https://example.com/u/1>');
    assert.equal(mail.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
    assert.ok(mail.messageId && mail.headers['message-id'] === mail.messageId);
    assert.ok(mail.raw.includes('List-Unsubscribe-Post'));

    sink.failNext(1, 451, 'try later');
    const send = () =>
      transport.sendMail({ from: 'shop@example.com', to: 'bob@example.com', subject: 'retry', text: 'x' });
    await assert.rejects(send(), (err: { responseCode?: number; response?: string }) => {
      assert.equal(err.responseCode, 451);
      assert.match(err.response ?? '', /try later/);
      return true;
    });
    assert.equal(sink.rejected.length, 1);
    await send();
    await sink.waitFor((m) => m.subject === 'retry');

    sink.setBehaviour(({ stage, recipient }) =>
      stage === 'rcpt' && recipient === 'gone@example.com' ? { code: 550, message: 'no such user' } : undefined,
    );
    await assert.rejects(
      transport.sendMail({ from: 'shop@example.com', to: 'gone@example.com', subject: 'x', text: 'x' }),
      (err: { responseCode?: number }) => err.responseCode === 550,
    );

    const timeout = await sink
      .waitFor((m) => m.subject === 'never', 200)
      .then(
        () => assert.fail('waitFor should time out'),
        (err: Error) => err,
      );
    assert.match(timeout.message, /Received 2 message\(s\)[\s\S]*Grüße[\s\S]*Rejected 2/);
    assert.equal(sink.messages.length, 2);
  } finally {
    transport.close();
    await sink.close();
  }
}

async function checkPushEndpoint(): Promise<void> {
  const endpoint = await startPushEndpoint();
  const agent = new https.Agent({ ca: endpoint.ca });
  const vapid = webpush.generateVAPIDKeys();
  const vapidDetails = { subject: 'mailto:ops@example.com', publicKey: vapid.publicKey, privateKey: vapid.privateKey };
  try {
    const subscription = endpoint.subscribe('alice');
    assert.equal(subscription.endpoint, `${endpoint.origin}/push/alice`);

    const result = await webpush.sendNotification(subscription, JSON.stringify({ title: 'hi' }), {
      vapidDetails,
      TTL: 60,
      urgency: 'high',
      topic: 'cart',
      agent,
    });
    assert.equal(result.statusCode, 201);
    const push = await endpoint.waitFor((p) => p.subscriptionId === 'alice');
    assert.deepEqual(push.json, { title: 'hi' });
    assert.equal(push.payload, '{"title":"hi"}');
    assert.deepEqual(push.headers, { ttl: 60, urgency: 'high', topic: 'cart' });
    assert.equal(push.vapid.aud, endpoint.origin);
    assert.equal(push.vapid.sub, 'mailto:ops@example.com');
    assert.equal(push.vapid.publicKey, vapid.publicKey);
    assert.ok(push.vapid.exp > Date.now() / 1000);

    endpoint.respondWith('alice', 410);
    await assert.rejects(
      webpush.sendNotification(subscription, 'bye', { vapidDetails, TTL: 60, agent }),
      (err: unknown) => {
        assert.ok(err instanceof WebPushError);
        assert.equal(err.statusCode, 410);
        return true;
      },
    );

    const bob = endpoint.subscribe();
    endpoint.respondWith(bob.endpoint, 429, { times: 1, headers: { 'Retry-After': '7' } });
    await assert.rejects(webpush.sendNotification(bob, 'x', { vapidDetails, TTL: 60, agent }), (err: WebPushError) => {
      assert.equal(err.statusCode, 429);
      assert.equal(err.headers['retry-after'], '7');
      return true;
    });
    await webpush.sendNotification(bob, 'plain text', { vapidDetails, TTL: 0, agent: endpoint.agent() });
    const second = await endpoint.waitFor((p) => p.endpoint === bob.endpoint);
    assert.equal(second.payload, 'plain text');
    assert.equal(second.json, undefined);
    assert.equal(endpoint.requestCount(bob.endpoint), 2);
    assert.equal(endpoint.requestCount('alice'), 2);

    // A VAPID JWT for another audience must be refused.
    const carol = endpoint.subscribe('carol');
    const foreign = webpush.getVapidHeaders(
      'https://push.example.net',
      vapidDetails.subject,
      vapid.publicKey,
      vapid.privateKey,
      'aes128gcm',
    );
    await assert.rejects(
      webpush.sendNotification(carol, 'x', { TTL: 60, agent, headers: { Authorization: foreign.Authorization } }),
      (err: WebPushError) => err.statusCode === 401,
    );
    // Without VAPID at all.
    await assert.rejects(
      webpush.sendNotification(carol, 'x', { TTL: 60, agent }),
      (err: WebPushError) => err.statusCode === 401,
    );
    // Legacy aesgcm encoding.
    await assert.rejects(
      webpush.sendNotification(carol, 'x', { vapidDetails, TTL: 60, agent, contentEncoding: 'aesgcm' }),
      (err: WebPushError) => err.statusCode === 401 || err.statusCode === 400,
    );
    // Wrong keys: encrypted for a different subscription.
    const dave = endpoint.subscribe('dave');
    await assert.rejects(
      webpush.sendNotification({ ...dave, keys: carol.keys }, 'x', { vapidDetails, TTL: 60, agent }),
      (err: WebPushError) => err.statusCode === 400,
    );
    assert.equal(endpoint.requestCount('carol'), 3);
    assert.deepEqual(
      endpoint.rejected.map((r) => [r.subscriptionId, r.status]),
      [
        ['carol', 401],
        ['carol', 401],
        ['carol', endpoint.rejected[2]?.status],
        ['dave', 400],
      ],
    );
    // Untrusted sender (default CA store) must fail the TLS handshake.
    await assert.rejects(webpush.sendNotification(carol, 'x', { vapidDetails, TTL: 60 }), /self[- ]signed/i);

    const timeout = await endpoint
      .waitFor(() => false, 200)
      .then(
        () => assert.fail('waitFor should time out'),
        (err: Error) => err,
      );
    assert.match(timeout.message, /Received 2 push\(es\)[\s\S]*Rejected 4/);
  } finally {
    agent.destroy();
    await endpoint.close();
  }
}

async function main(): Promise<void> {
  await checkSmtpSink();
  console.log('smtp-sink ok');
  await checkPushEndpoint();
  console.log('push-endpoint ok');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
