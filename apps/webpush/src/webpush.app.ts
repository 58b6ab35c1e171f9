import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { BeckonConfig, ConfigModule, requireConfig } from '@beckon/config';
import { DeliveryModule, startDeliveryApp } from '@beckon/delivery';
import { KafkaModule } from '@beckon/kafka';
import { MetricsModule, ServiceAppOptions } from '@beckon/observability';
import { PersistenceModule } from '@beckon/persistence';
import { PushSenderModule, PushSenderOptions } from './push-sender';
import { WEBPUSH_DELIVERY_OPTIONS, WebPushChannel, WebPushDeliveryOptions } from './webpush.channel';

export type WebPushAppOptions = WebPushDeliveryOptions & PushSenderOptions & ServiceAppOptions;

/** The web-push delivery service: consumes web-push dispatches, sends them with VAPID, serves GET /health and GET /metrics. */
@Module({})
export class WebPushAppModule {
  static forRoot(config: BeckonConfig, options: WebPushDeliveryOptions & PushSenderOptions = {}): DynamicModule {
    const { ca, http2, timeoutMs, encryptionThreads, ...delivery } = options;
    return {
      module: WebPushAppModule,
      imports: [
        ConfigModule.forRoot(config),
        KafkaModule.forRoot(),
        PersistenceModule.forRoot(),
        MetricsModule.forRoot('webpush'),
        DeliveryModule.forChannel({
          channel: WebPushChannel,
          imports: [PushSenderModule.forRoot({ ca, http2, timeoutMs, encryptionThreads })],
          providers: [{ provide: WEBPUSH_DELIVERY_OPTIONS, useValue: delivery }],
        }),
      ],
    };
  }
}

/**
 * Starts the web-push service in this process (the database must already be migrated) and resolves
 * once it listens; the consumer joins its group shortly after (see waitUntilDeliveryReady, GET /health).
 */
export async function createWebPushApp(
  config: BeckonConfig,
  options: WebPushAppOptions = {},
): Promise<INestApplication> {
  requireConfig(config, ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT'], 'web-push service');
  const { logDestination, ...service } = options;
  return startDeliveryApp(WebPushAppModule.forRoot(config, service), config, 'webpush', { logDestination });
}
