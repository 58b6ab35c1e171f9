import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RuleEntity } from '@beckon/persistence';
import { RulePreviewService } from './rule-preview.service';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';

@Module({
  imports: [TypeOrmModule.forFeature([RuleEntity])],
  controllers: [RulesController],
  providers: [RulesService, RulePreviewService],
})
export class RulesModule {}
