import { Trigger } from '@beckon/rules';
import { abandonedCart } from './abandoned-cart/abandoned-cart.trigger';
import { backInStock } from './back-in-stock/back-in-stock.trigger';
import { birthday } from './birthday/birthday.trigger';
import { browseAbandonment } from './browse-abandonment/browse-abandonment.trigger';
import { consumableReorder } from './consumable-reorder/consumable-reorder.trigger';
import { TriggerDefinition } from './definition';
import { postPurchase } from './post-purchase/post-purchase.trigger';
import { sleepingCustomer } from './sleeping-customer/sleeping-customer.trigger';

/**
 * Every trigger's definition, by name. Typed as a record over every Trigger, so a trigger named in
 * libs/rules without a definition here does not compile.
 */
export const TRIGGER_DEFINITIONS: { readonly [T in Trigger]: TriggerDefinition<T> } = {
  abandoned_cart: abandonedCart,
  sleeping_customer: sleepingCustomer,
  back_in_stock: backInStock,
  consumable_reorder: consumableReorder,
  birthday,
  browse_abandonment: browseAbandonment,
  post_purchase: postPurchase,
};

/** The definitions in the order triggers react to a batch's facts (the order of TRIGGERS). */
export const ALL_TRIGGER_DEFINITIONS: readonly TriggerDefinition[] = Object.values(TRIGGER_DEFINITIONS);

/** A trigger's definition, widened for callers that hold a rule of any trigger. */
export function definitionOf(trigger: Trigger): TriggerDefinition {
  return TRIGGER_DEFINITIONS[trigger] as unknown as TriggerDefinition;
}

/** The definition of a trigger name read from storage, which may name a trigger this version lacks. */
export function findDefinition(trigger: string): TriggerDefinition | undefined {
  return Object.hasOwn(TRIGGER_DEFINITIONS, trigger) ? definitionOf(trigger as Trigger) : undefined;
}
