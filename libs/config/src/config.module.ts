import { DynamicModule, Global, Module } from '@nestjs/common';
import { BeckonConfig, loadConfig } from './beckon-config';

export const BECKON_CONFIG = Symbol('BECKON_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Tests pass an explicit config; services read and validate the environment. */
  static forRoot(config?: BeckonConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: BECKON_CONFIG, useValue: config ?? loadConfig() }],
      exports: [BECKON_CONFIG],
    };
  }
}
