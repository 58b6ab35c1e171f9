import { Module } from '@nestjs/common';
import { loadDashboardAssets } from './dashboard-assets';
import { DASHBOARD_ASSETS, DashboardController } from './dashboard.controller';

@Module({
  controllers: [DashboardController],
  providers: [{ provide: DASHBOARD_ASSETS, useFactory: loadDashboardAssets }],
})
export class DashboardModule {}
