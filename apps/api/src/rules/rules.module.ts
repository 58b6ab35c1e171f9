import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RuleEntity } from '@beckon/persistence';
import { CapsModule } from '../caps/caps.module';
import { RulePreviewService } from './rule-preview.service';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';

@Module({
  imports: [TypeOrmModule.forFeature([RuleEntity]), CapsModule],
  controllers: [RulesController],
  providers: [RulesService, RulePreviewService],
})
export class RulesModule {}
