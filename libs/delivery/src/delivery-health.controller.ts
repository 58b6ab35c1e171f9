import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryConsumer } from './delivery-consumer';

/** Same shape as the engine's /health. */
export interface DeliveryHealth {
  status: 'ok' | 'unavailable';
  checks: { postgres: 'up' | 'down'; kafka: 'up' | 'joining' };
}

/** 200 once the consumer has joined its group and PostgreSQL answers; 503 with the same body before. */
@Controller('health')
export class DeliveryHealthController {
  constructor(
    private readonly consumer: DeliveryConsumer,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  async health(): Promise<DeliveryHealth> {
    const postgres = await this.dataSource.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const checks: DeliveryHealth['checks'] = { postgres, kafka: this.consumer.isReady ? 'up' : 'joining' };
    if (checks.postgres === 'up' && checks.kafka === 'up') return { status: 'ok', checks };
    throw new ServiceUnavailableException({ status: 'unavailable', checks } satisfies DeliveryHealth);
  }
}
