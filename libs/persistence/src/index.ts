export { dataSourceOptions, ensureDatabase, prepareDatabase, runMigrations } from './data-source';
export { PersistenceModule } from './persistence.module';
export { CartEntity, CustomerEntity, DispatchEntity, ENTITIES, PushSubscriptionEntity, RuleEntity } from './entities';
export type { CartItem, RulePacing } from './entities';
export { MIGRATIONS } from './migrations';
export { rowsOf } from './rows-of';
export { loadCapHistory } from './cap-history';
export { describeDatabaseError, isTransientDatabaseFault } from './database-fault';
