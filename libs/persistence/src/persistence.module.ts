import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { dataSourceOptions } from './data-source';

@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [BECKON_CONFIG],
          useFactory: (config: BeckonConfig) => dataSourceOptions(config.DATABASE_URL, config.DATABASE_POOL_SIZE),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
