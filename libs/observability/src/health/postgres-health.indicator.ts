import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTimeout } from './with-timeout';

const TIMEOUT_MS = 2000;

@Injectable()
export class PostgresHealthIndicator {
  constructor(private readonly db: DataSource) {}

  async isUp(): Promise<boolean> {
    try {
      await withTimeout(this.db.query('SELECT 1'), TIMEOUT_MS, 'postgres SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
