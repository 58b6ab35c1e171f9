import { Module } from '@nestjs/common';
import { CartRepository } from './cart.repository';
import { CommerceRepository } from './commerce.repository';
import { CustomerRepository } from './customer.repository';
import { ProfileProjector } from './profile-projector';
import { TimelineRepository } from './timeline.repository';

@Module({
  providers: [TimelineRepository, CustomerRepository, CartRepository, CommerceRepository, ProfileProjector],
  exports: [ProfileProjector, CartRepository],
})
export class ProfilesModule {}
