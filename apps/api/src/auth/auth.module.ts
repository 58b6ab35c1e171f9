import { Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BECKON_CONFIG, BeckonConfig } from '@beckon/config';
import { ApiKeyRegistry } from './api-key-registry';
import { ApiKeyGuard } from './api-key.guard';

@Module({
  providers: [
    {
      provide: ApiKeyRegistry,
      inject: [BECKON_CONFIG],
      useFactory: (config: BeckonConfig) => {
        const registry = new ApiKeyRegistry(config.API_KEYS);
        if (registry.size === 0) new Logger('Auth').warn('API_KEYS is empty: every /v1 call will be refused');
        return registry;
      },
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
})
export class AuthModule {}
