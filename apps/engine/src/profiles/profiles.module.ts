import { Module } from '@nestjs/common';
import { AttributionModule } from '../attribution/attribution.module';
import { CatalogModule } from '../catalog/catalog.module';
import { AfterPurchaseRepository } from './after-purchase.repository';
import { CartRepository } from './cart.repository';
import { CommerceRepository } from './commerce.repository';
import { CustomerRepository } from './customer.repository';
import { ProfileProjector } from './profile-projector';
import { TimelineRepository } from './timeline.repository';

@Module({
  imports: [CatalogModule, AttributionModule],
  providers: [
    TimelineRepository,
    CustomerRepository,
    CartRepository,
    CommerceRepository,
    ProfileProjector,
    AfterPurchaseRepository,
  ],
  exports: [ProfileProjector, CartRepository],
})
export class ProfilesModule {}
