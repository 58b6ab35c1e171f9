import { Module } from '@nestjs/common';
import { RuleCache } from './rule-cache';

@Module({ providers: [RuleCache], exports: [RuleCache] })
export class RulesModule {}
