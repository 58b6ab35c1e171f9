import { Controller, Get, HttpException, HttpStatus } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StorefrontEventsConsumer } from './ingestion/storefront-events.consumer';

@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consumer: StorefrontEventsConsumer,
  ) {}

  @Get('health')
  async health(): Promise<{ status: string; checks: Record<string, string> }> {
    const postgres = await this.dataSource.query('SELECT 1').then(
      () => 'up',
      () => 'down',
    );
    const kafka = this.consumer.isReady ? 'up' : 'joining';
    const checks = { postgres, kafka };
    if (postgres !== 'up' || kafka !== 'up') {
      throw new HttpException({ status: 'unavailable', checks }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ok', checks };
  }
}
