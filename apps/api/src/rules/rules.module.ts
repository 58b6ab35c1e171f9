import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RuleEntity } from '@beckon/persistence';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';

@Module({
  imports: [TypeOrmModule.forFeature([RuleEntity])],
  controllers: [RulesController],
  providers: [RulesService],
})
export class RulesModule {}
