import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CartEntity, CustomerEntity, PushSubscriptionEntity } from '@beckon/persistence';
import { CustomerOverviewService } from './customer-overview.service';
import { CustomersController } from './customers.controller';

@Module({
  imports: [TypeOrmModule.forFeature([CustomerEntity, PushSubscriptionEntity, CartEntity])],
  controllers: [CustomersController],
  providers: [CustomerOverviewService],
})
export class CustomersModule {}
