import { Module } from '@nestjs/common';
import { CapsController } from './caps.controller';
import { CapsService } from './caps.service';

@Module({
  controllers: [CapsController],
  providers: [CapsService],
  exports: [CapsService],
})
export class CapsModule {}
