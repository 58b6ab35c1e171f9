import { Module } from '@nestjs/common';
import { RulesModule } from '../rules/rules.module';
import { ConversionRepository } from './conversion.repository';

/** Orders credited to the messages that brought them (conversions), for the stats that prove a rule's worth. */
@Module({ imports: [RulesModule], providers: [ConversionRepository], exports: [ConversionRepository] })
export class AttributionModule {}
