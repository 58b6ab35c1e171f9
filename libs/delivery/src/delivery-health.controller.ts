import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryConsumer } from './delivery-consumer';

export interface DeliveryHealth {
  status: 'ok' | 'starting' | 'degraded';
  kafka: boolean;
  database: boolean;
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
    const kafka = this.consumer.isReady;
    const database = await this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    if (kafka && database) return { status: 'ok', kafka, database };
    throw new ServiceUnavailableException({ status: kafka ? 'degraded' : 'starting', kafka, database });
  }
}
