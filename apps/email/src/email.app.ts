import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { BeckonConfig, ConfigModule, requireConfig } from '@beckon/config';
import { DeliveryModule, startDeliveryApp } from '@beckon/delivery';
import { KafkaModule } from '@beckon/kafka';
import { MetricsModule, ServiceAppOptions } from '@beckon/observability';
import { PersistenceModule } from '@beckon/persistence';
import { EMAIL_DELIVERY_OPTIONS, EmailChannel, EmailDeliveryOptions } from './email.channel';
import { MailTransportModule } from './mail-transport';

export type EmailAppOptions = EmailDeliveryOptions & ServiceAppOptions;

/** The email delivery service: consumes email dispatches, sends them over SMTP, serves GET /health and GET /metrics. */
@Module({})
export class EmailAppModule {
  static forRoot(config: BeckonConfig, options: EmailDeliveryOptions = {}): DynamicModule {
    return {
      module: EmailAppModule,
      imports: [
        ConfigModule.forRoot(config),
        KafkaModule.forRoot(),
        PersistenceModule.forRoot(),
        MetricsModule.forRoot('email'),
        DeliveryModule.forChannel({
          channel: EmailChannel,
          imports: [MailTransportModule],
          providers: [{ provide: EMAIL_DELIVERY_OPTIONS, useValue: options }],
        }),
      ],
    };
  }
}

/**
 * Starts the email service in this process (the database must already be migrated) and resolves
 * once it listens; the consumer joins its group shortly after (see waitUntilDeliveryReady, GET /health).
 */
export async function createEmailApp(config: BeckonConfig, options: EmailAppOptions = {}): Promise<INestApplication> {
  requireConfig(config, ['SMTP_URL', 'MAIL_FROM'], 'email service');
  const { logDestination, ...delivery } = options;
  return startDeliveryApp(EmailAppModule.forRoot(config, delivery), config, 'email', { logDestination });
}
