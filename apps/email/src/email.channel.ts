import { Inject, Injectable } from '@nestjs/common';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { EmailDispatchMessage } from '@beckon/contracts';
import { DEFAULT_RETRY_POLICY, DeliveryChannel, DeliveryOutcome, RetryPolicy, withRetries } from '@beckon/delivery';
import { parseEmailDispatch } from './email-dispatch.schema';
import { composeMail, senderDomain } from './mail-message';
import { MAIL_TRANSPORT, MailTransport } from './mail-transport';
import { classifySmtpError, isHardBounce, SmtpVerdict } from './smtp-errors';

export interface EmailDeliveryOptions {
  /** In-process retries of transient SMTP failures; default 3 retries after 0.5 s, 1 s, 2 s. */
  retry?: Partial<RetryPolicy>;
  /** Sends in flight; default SMTP_POOL_SIZE × 4. */
  concurrency?: number;
}

export const EMAIL_DELIVERY_OPTIONS = Symbol('EMAIL_DELIVERY_OPTIONS');

type SendResult = { ok: true; response: string } | { ok: false; verdict: SmtpVerdict; error: string; bounced: boolean };

/** Sends one dispatch as one mail through the pooled SMTP transport. */
@Injectable()
export class EmailChannel implements DeliveryChannel<EmailDispatchMessage> {
  readonly name = 'email' as const;
  readonly concurrency: number;
  private readonly retry: RetryPolicy;
  private readonly from: string;
  private readonly domain: string;
  private readonly unsubscribeAddress: string | undefined;

  constructor(
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @Inject(BECKON_CONFIG) config: BeckonConfig,
    @Inject(EMAIL_DELIVERY_OPTIONS) options: EmailDeliveryOptions,
  ) {
    if (!config.MAIL_FROM) throw new Error('email service needs MAIL_FROM to be set');
    this.from = config.MAIL_FROM;
    this.domain = senderDomain(config.MAIL_FROM);
    this.unsubscribeAddress = config.UNSUBSCRIBE_MAILTO || undefined;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.concurrency = options.concurrency ?? config.SMTP_POOL_SIZE * 4;
  }

  parse(value: Buffer | null) {
    return parseEmailDispatch(value);
  }

  async deliver(message: EmailDispatchMessage): Promise<DeliveryOutcome> {
    const { value, tries } = await withRetries<SendResult>(this.retry, async () => {
      try {
        const info = await this.transport.sendMail(
          composeMail(message, this.from, this.domain, this.unsubscribeAddress),
        );
        return { retry: false, value: { ok: true, response: info.response } };
      } catch (err) {
        const verdict = classifySmtpError(err);
        const error = err instanceof Error ? err.message : String(err);
        return {
          retry: verdict.kind === 'transient',
          value: { ok: false, verdict, error, bounced: isHardBounce(err) },
        };
      }
    });
    const base = { dispatchId: message.dispatchId, attempts: tries, retries: tries - 1 };
    if (value.ok) return { ...base, status: 'sent', reason: null, providerResponse: value.response, error: null };
    return {
      ...base,
      status: 'failed',
      reason: value.verdict.reason,
      providerResponse: value.verdict.response,
      error: value.error,
      bouncedAddress: value.bounced ? message.to : null,
    };
  }
}
