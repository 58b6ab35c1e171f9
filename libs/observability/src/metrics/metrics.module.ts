import { DynamicModule, Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** A registry with the process metrics, every series labelled with the service. */
export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The application's Prometheus registry, injectable as `Registry`. One per application rather than
 * prom-client's global one: tests and benches run several services in one process.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: Registry, useFactory: () => createRegistry(service) }],
      exports: [Registry],
    };
  }
}
