import { Controller, Get, Res } from '@nestjs/common';
import { HealthReport, HealthService } from './health.service';

/** GET /health of the headless services (the API serves its own, documented in its OpenAPI). */
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: HealthService) {}

  @Get()
  async health(@Res({ passthrough: true }) response: { status(code: number): unknown }): Promise<HealthReport> {
    const report = await this.readiness.report();
    // A 503 takes the instance out of a load balancer; the body still says which dependency failed.
    if (report.status !== 'ok') response.status(503);
    return report;
  }
}
