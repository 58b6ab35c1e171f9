import { CartEntity } from './cart.entity';
import { CustomerEntity } from './customer.entity';
import { DispatchEntity } from './dispatch.entity';
import { PushSubscriptionEntity } from './push-subscription.entity';
import { RuleEntity } from './rule.entity';

export { CartEntity, CustomerEntity, DispatchEntity, PushSubscriptionEntity, RuleEntity };
export type { CartItem } from './cart.entity';
export type { RuleEngagementColumn, RulePacing } from './rule.entity';
export const ENTITIES = [CartEntity, CustomerEntity, DispatchEntity, PushSubscriptionEntity, RuleEntity];
