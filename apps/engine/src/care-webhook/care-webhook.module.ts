import { Module } from '@nestjs/common';
import { CareWebhookMetrics } from './care-webhook.metrics';
import { CareWebhookRepository } from './care-webhook.repository';
import { CareWebhookWorker } from './care-webhook.worker';

/** Care signals POSTed to CARE_WEBHOOK_URL, so a negative experience reaches a person. */
@Module({
  providers: [CareWebhookRepository, CareWebhookMetrics, CareWebhookWorker],
  exports: [CareWebhookWorker],
})
export class CareWebhookModule {}
